app_name = "versements"

urlpatterns: list = []
