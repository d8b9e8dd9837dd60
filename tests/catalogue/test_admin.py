from django.utils.html import escape

from aap.catalogue.models import Dispositif


def test_catalogue_consultable_et_non_modifiable_dans_l_admin(client, administrateur, catalogue_2026):
    client.force_login(administrateur)
    dispositif = Dispositif.objects.get(edition=catalogue_2026, code="5.5")
    liste = client.get("/admin/catalogue/dispositif/?q=5.5")
    assert liste.status_code == 200 and escape(dispositif.titre) in liste.content.decode()
    fiche = client.get(f"/admin/catalogue/dispositif/{dispositif.pk}/change/")
    assert fiche.status_code == 200 and "Enregistrer" not in fiche.content.decode()
    assert client.get("/admin/catalogue/dispositif/add/").status_code == 403
