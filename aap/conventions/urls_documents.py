"""URL des conventions (voir urls.py)."""

urlpatterns: list = []
