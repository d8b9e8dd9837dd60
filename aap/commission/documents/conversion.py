"""Conversion d'un classeur XLSX en PDF par LibreOffice sans interface (`soffice --headless --convert-to pdf`).

Pourquoi LibreOffice pour l'annexe des financements : docs/adr/0002-annexe-pdf-libreoffice.md (WeasyPrint met
4 à 5 s de calcul pour 1 000 lignes de tableau, LibreOffice 1,5 s, et la conversion tourne dans un autre
processus pendant que WeasyPrint produit le rapport et la délibération).

Chaque conversion a son propre profil LibreOffice temporaire (deux générations simultanées ne se gênent pas) et
la locale fr_FR (montants « 1 234 567,50 » : le format de cellule `#,##0.00` suit la locale). `lancer()` rend
`None` quand `soffice` est absent : l'appelant se rabat alors sur WeasyPrint.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


logger = logging.getLogger(__name__)

#: Au-delà, la conversion est abandonnée (processus tué) et l'appelant se rabat sur WeasyPrint.
DELAI_S = 120


def soffice() -> str | None:
    """Le chemin de `soffice` (LibreOffice), ou None s'il n'est pas installé."""
    return shutil.which("soffice")


class Conversion:
    """Une conversion XLSX → PDF lancée dans un processus à part ; `terminer()` attend et place le PDF."""

    def __init__(self, executable: str, xlsx: Path, pdf: Path) -> None:
        self.xlsx = Path(xlsx)
        self.pdf = Path(pdf)
        self._travail = Path(tempfile.mkdtemp(prefix="aap-soffice-"))
        self._journal = (self._travail / "soffice.log").open("wb")
        env = {
            **os.environ,
            "HOME": str(self._travail),
            "LC_ALL": "fr_FR.UTF-8",
            "LANG": "fr_FR.UTF-8",
            "LANGUAGE": "fr_FR",
        }
        try:
            self._processus = subprocess.Popen(  # noqa: S603 - arguments fixes, aucun texte saisi
                [
                    executable,
                    f"-env:UserInstallation={(self._travail / 'profil').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(self._travail / "sortie"),
                    str(self.xlsx),
                ],
                stdin=subprocess.DEVNULL,
                stdout=self._journal,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        except OSError:
            self._nettoyer()
            raise

    def terminer(self, delai_s: float = DELAI_S) -> bool:
        """Attend la fin de la conversion ; True si le PDF est en place à `self.pdf`, False sinon (journalisé)."""
        try:
            try:
                code = self._processus.wait(timeout=delai_s)
            except subprocess.TimeoutExpired:
                self._tuer()
                logger.warning("LibreOffice : conversion de %s abandonnée après %s s", self.xlsx.name, delai_s)
                return False
            produit = self._travail / "sortie" / f"{self.xlsx.stem}.pdf"
            if code != 0 or not produit.is_file() or produit.stat().st_size == 0:
                self._journal.flush()
                journal = (self._travail / "soffice.log").read_text(errors="replace")[-2000:]
                logger.warning(
                    "LibreOffice : échec de la conversion de %s (code %s) : %s", self.xlsx.name, code, journal
                )
                return False
            shutil.move(produit, self.pdf)
            return True
        finally:
            self._nettoyer()

    def abandonner(self) -> None:
        """Arrête la conversion (génération interrompue) et supprime ses fichiers."""
        if self._processus.poll() is None:
            self._tuer()
        self._nettoyer()

    def _tuer(self) -> None:
        try:
            os.killpg(self._processus.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._processus.wait()

    def _nettoyer(self) -> None:
        self._journal.close()
        shutil.rmtree(self._travail, ignore_errors=True)


def lancer(xlsx: Path, pdf: Path) -> Conversion | None:
    """Lance la conversion de `xlsx` vers `pdf` ; None si LibreOffice est absent ou ne démarre pas."""
    executable = soffice()
    if executable is None:
        return None
    try:
        return Conversion(executable, xlsx, pdf)
    except OSError:
        logger.warning("LibreOffice : %s ne démarre pas", executable, exc_info=True)
        return None


def convertir(xlsx: Path, pdf: Path) -> bool:
    """Conversion synchrone ; True si le PDF est écrit, False si LibreOffice est absent ou a échoué."""
    conversion = lancer(xlsx, pdf)
    return conversion is not None and conversion.terminer()
