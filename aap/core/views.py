from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from aap.core.models import AuditLog, Role
from aap.core.pagination import paginate
from aap.core.permissions import role_required


class ConnexionForm(AuthenticationForm):
    """Sans `autofocus` : le lecteur d'écran commence en haut de page, comme partout ailleurs."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


class ConnexionView(auth_views.LoginView):
    template_name = "core/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True


class DefinirMotDePasseView(auth_views.PasswordResetConfirmView):
    """Lien à usage unique envoyé à la validation d'un compte (ou en cas d'oubli)."""

    template_name = "core/definir_mot_de_passe.html"
    success_url = reverse_lazy("core:mot_de_passe_defini")
    post_reset_login = True


class MotDePasseDefiniView(auth_views.PasswordResetCompleteView):
    template_name = "core/mot_de_passe_defini.html"


class MotDePasseOublieView(auth_views.PasswordResetView):
    template_name = "core/mot_de_passe_oublie.html"
    email_template_name = "core/emails/mot_de_passe_oublie.txt"
    subject_template_name = "core/emails/mot_de_passe_oublie_sujet.txt"
    success_url = reverse_lazy("core:mot_de_passe_envoye")


class MotDePasseEnvoyeView(auth_views.PasswordResetDoneView):
    template_name = "core/mot_de_passe_envoye.html"


@login_required
def accueil(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.PORTEUR:
        return redirect("demandes:mes_demandes")
    return redirect("demandes:agent_liste")


@role_required(Role.ADMIN)
def journal(request: HttpRequest) -> HttpResponse:
    qs = AuditLog.objects.select_related("acteur")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    return render(request, "core/journal.html", {"page": paginate(request, qs, 50), "action": action})
