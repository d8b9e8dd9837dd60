"""Le temps du domaine : toujours l'heure de Paris (réglage TIME_ZONE)."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    """Date du jour à Paris (et non en UTC)."""
    return timezone.localdate()
