import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from aap.structures import validators as v
from tests.siret import siret_valide


chiffres = st.text(alphabet="0123456789", min_size=13, max_size=13)


def avec_cle_luhn(treize: str) -> str:
    for cle in "0123456789":
        if v.luhn_valide(treize + cle):
            return treize + cle
    raise AssertionError("une clé de Luhn existe toujours")


# --- SIRET ---


@given(chiffres)
def test_tout_numero_a_cle_de_luhn_est_un_siret_valide(treize):
    siret = avec_cle_luhn(treize)
    assume(not siret.startswith(v.SIREN_LA_POSTE))
    assert v.siret_valide(siret)
    v.valider_siret(siret)


@given(chiffres, st.integers(min_value=0, max_value=13), st.integers(min_value=1, max_value=9))
def test_changer_un_seul_chiffre_invalide_le_siret(treize, position, decalage):
    siret = avec_cle_luhn(treize)
    chiffre = (int(siret[position]) + decalage) % 10
    altere = siret[:position] + str(chiffre) + siret[position + 1 :]
    assume(not altere.startswith(v.SIREN_LA_POSTE) and not siret.startswith(v.SIREN_LA_POSTE))
    assert not v.siret_valide(altere)
    with pytest.raises(ValidationError) as exc:
        v.valider_siret(altere)
    assert exc.value.code == "siret_cle"


def test_siret_saisi_avec_espaces_ou_points():
    siret = siret_valide(42)
    assert v.siret_valide(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    assert v.siret_valide(f"{siret[:3]}.{siret[3:6]}.{siret[6:9]}\u00a0{siret[9:]}")
    assert v.compacter(f" {siret[:9]} {siret[9:]} ") == siret


@pytest.mark.parametrize(
    ("saisie", "code"),
    [("1234567890123", "siret_longueur"), ("123456789012345", "siret_longueur"), ("7328293200007A", "siret_format")],
)
def test_siret_mal_forme(saisie, code):
    with pytest.raises(ValidationError) as exc:
        v.valider_siret(saisie)
    assert exc.value.code == code
    assert "SIRET" in exc.value.messages[0]


def test_la_poste_somme_des_chiffres_multiple_de_5():
    # 3+5+6 = 14 ; il faut 1 de plus pour atteindre 15.
    etablissement = "35600000000010"
    assert sum(map(int, etablissement)) % 5 == 0
    assert not v.luhn_valide(etablissement)  # la clé de Luhn ne s'applique pas à La Poste…
    assert v.siret_valide(etablissement)  # … et le SIRET est pourtant valide.
    non_multiple = "35600000000011"
    assert v.luhn_valide(non_multiple) is False and not v.siret_valide(non_multiple)
    assert v.siret_valide(v.SIRET_SIEGE_LA_POSTE)  # le siège suit la clé de Luhn


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_la_poste_regle_des_multiples_de_5(nic):
    siret = v.SIREN_LA_POSTE + nic
    assume(siret != v.SIRET_SIEGE_LA_POSTE)
    assert v.siret_valide(siret) == (sum(map(int, siret)) % 5 == 0)


# --- IBAN ---


def iban_fr(bban: str) -> str:
    return f"FR{v.cle_iban('FR', bban)}{bban}"


def test_iban_valides_avec_ou_sans_espaces():
    assert v.iban_valide("FR76 3000 6000 0112 3456 7890 189")
    assert v.iban_valide("fr7630006000011234567890189")
    assert v.iban_valide("DE89 3704 0044 0532 0130 00")
    assert v.iban_valide("GB82 WEST 1234 5698 7654 32")
    v.valider_iban("FR76 3000 6000 0112 3456 7890 189")


@pytest.mark.parametrize(
    ("saisie", "code"),
    [
        ("FR76 3000 6000 0112 3456 7890 188", "iban_cle"),
        ("FR76 3000 6000 0112 3456 7890 18", "iban_longueur"),
        ("ZZ76 3000 6000 0112 3456 7890 189", "iban_pays"),
        ("FR76 3000 6000 0112 3456 7890 18!", "iban_format"),
        ("7630006000011234567890189", "iban_pays"),
    ],
)
def test_iban_invalides(saisie, code):
    assert not v.iban_valide(saisie)
    with pytest.raises(ValidationError) as exc:
        v.valider_iban(saisie)
    assert exc.value.code == code


def test_iban_francais_27_caracteres():
    with pytest.raises(ValidationError) as exc:
        v.valider_iban("FR14 2004 1010 0505 0001 3M02 6061")  # 28 caractères
    assert "27 caractères" in exc.value.messages[0]


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=23, max_size=23))
def test_iban_construit_avec_sa_cle_est_valide(bban):
    iban = iban_fr(bban)
    assert v.iban_mod97(iban) == 1
    assert v.iban_valide(iban)
    espace = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert v.iban_valide(espace.lower())


@given(
    st.text(alphabet="0123456789", min_size=23, max_size=23),
    st.integers(min_value=4, max_value=26),
    st.integers(min_value=1, max_value=9),
)
def test_changer_un_chiffre_invalide_l_iban(bban, position, decalage):
    iban = iban_fr(bban)
    chiffre = (int(iban[position]) + decalage) % 10
    altere = iban[:position] + str(chiffre) + iban[position + 1 :]
    assert not v.iban_valide(altere)


@given(st.text(alphabet="0123456789", min_size=23, max_size=23), st.integers(min_value=0, max_value=99))
def test_seule_la_bonne_cle_est_acceptee(bban, cle):
    # 01 ≡ 98 modulo 97 : seule la clé canonique (02 à 98) est acceptée, jamais 00, 01 ni 99.
    iban = f"FR{cle:02d}{bban}"
    assert v.iban_valide(iban) == (f"{cle:02d}" == v.cle_iban("FR", bban))


def test_cle_01_refusee_meme_si_congrue():
    bban = "99999000010000000000100"
    assert v.cle_iban("FR", bban) == "93"
    bons = [f"FR{k:02d}{bban}" for k in range(100) if v.iban_mod97(f"FR{k:02d}{bban}") == 1]
    assert [b[2:4] for b in bons] == ["93"]
    iban_98 = next(f"FR98{b}" for b in (f"{n:023d}" for n in range(10**6)) if v.cle_iban("FR", b) == "98")
    assert v.iban_valide(iban_98) and not v.iban_valide("FR01" + iban_98[4:])


def test_iban_masque_ne_montre_que_les_4_derniers():
    masque = v.masquer_iban("FR7630006000011234567890189")
    assert masque.endswith("0189")
    assert "FR76" not in masque and "3000" not in masque
    assert masque.replace(" ", "").count("•") == 23


# --- BIC ---


@pytest.mark.parametrize("bic", ["CEPAFRPP627", "BNPAFRPP", "cepa frpp 627", "DEUTDEFF500"])
def test_bic_valides(bic):
    assert v.bic_valide(bic)
    v.valider_bic(bic)


@pytest.mark.parametrize("bic", ["CEPAFRP", "1EPAFRPP", "CEPA12PP", "CEPAFRPP62", "CEPAFRPP6277"])
def test_bic_invalides(bic):
    assert not v.bic_valide(bic)
    with pytest.raises(ValidationError):
        v.valider_bic(bic)


# --- Code postal ---


@given(st.integers(min_value=0, max_value=999))
def test_tout_code_postal_62xxx_est_accepte(n):
    v.valider_code_postal_62(f"62{n:03d}")


@given(st.integers(min_value=0, max_value=99999).filter(lambda n: not 62000 <= n <= 62999))
def test_hors_pas_de_calais_refuse_avec_un_message_clair(n):
    with pytest.raises(ValidationError) as exc:
        v.valider_code_postal_62(f"{n:05d}")
    assert exc.value.code == "cp_hors_62"
    assert "Pas-de-Calais" in exc.value.messages[0] and "62" in exc.value.messages[0]


@pytest.mark.parametrize("saisie", ["620", "6200A", "620000"])
def test_code_postal_mal_forme(saisie):
    with pytest.raises(ValidationError) as exc:
        v.valider_code_postal_62(saisie)
    assert exc.value.code == "cp_format"


def test_rna_et_telephone():
    v.valider_rna("W623001234")
    v.valider_rna("")
    with pytest.raises(ValidationError):
        v.valider_rna("623001234")
    v.valider_telephone("03 21 21 62 62")
    v.valider_telephone("+33 3 21 21 62 62")
    with pytest.raises(ValidationError):
        v.valider_telephone("appelez-moi")
