from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from entities.forms import OperatorChangeForm, OperatorForm
from entities.models import Kind, Membership, Organisation
from entities.models import Status as OrganisationStatus
from entities.services import SEARCHED_SESSION_KEY
from requests_app import selectors, services
from requests_app.forms import (
    ChangeCorrectionForm,
    ChangeMessageForm,
    NewOperatorCorrectionForm,
    RejectForm,
    RequestForm,
)
from requests_app.models import AuthorisationRequest, RequestKind

# The new operator's details, between the form and the request that creates it.
PENDING_OPERATOR_SESSION_KEY = "pending_operator"


def _request_for(user, pk: int) -> AuthorisationRequest:
    """The request if this person sent it or may decide it; 404 otherwise."""
    request = get_object_or_404(
        AuthorisationRequest.objects.with_related().prefetch_related(selectors.history_events()),
        pk=pk,
    )
    if not services.can_see(user=user, request=request):
        raise Http404
    return request


def _initial_contact(user, phone: str = "") -> dict:
    last = (
        AuthorisationRequest.objects.filter(applicant=user)
        .exclude(contact_phone="")
        .order_by("-submitted_at")
        .values_list("contact_phone", flat=True)
        .first()
    )
    return {"contact_email": user.email, "contact_phone": phone or last or ""}


@login_required
@require_safe
def home(request):
    """A person's organisations and requests, or the choice of a role when they have none."""
    memberships = selectors.memberships_of(request.user)
    requests = selectors.requests_of(request.user)
    return render(
        request,
        "requests_app/home.html",
        {
            "memberships": memberships,
            "requests": requests,
            "has_pending": any(r.is_open for r in requests),
            "to_decide_count": selectors.to_decide_count(request.user, memberships),
            # A validator is offered their queue rather than the choice of a role.
            "queue": selectors.queue_of(request.user),
        },
    )


@login_required
@require_safe
def role_choice(request):
    """The choice of a role; a validator's is made: they are offered their queue."""
    return render(
        request, "requests_app/role_choice.html", {"queue": selectors.queue_of(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request, organisation_pk: int):
    organisation = get_object_or_404(
        Organisation.objects.select_related("control_body"), pk=organisation_pk
    )
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_contact(request.user),
        region=organisation.country,
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.request_submit(
                applicant=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.TooManyRequests as error:
            return render(request, "429.html", {"reason": str(error)}, status=429)
        except services.RequestError as error:
            messages.error(request, str(error))
            return redirect("entities:organisation", organisation.pk)
        return redirect("requests:sent", sent.pk)
    context = {
        "form": form,
        "organisation": organisation,
        "draft": services.request_draft(
            applicant=request.user, organisation=organisation, kind=RequestKind.ATTACHMENT
        ),
        "action": reverse("requests:request_create", args=[organisation.pk]),
        "cancel_url": reverse("entities:organisation", args=[organisation.pk]),
    }
    if request.htmx and request.method == "GET":
        return render(request, "requests_app/_request_form.html", context)
    return render(request, "requests_app/request_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def operator_create(request):
    """The new operator form, offered once the person has searched the directory.

    It writes nothing: a valid form is kept in the session, and the operator is
    created with its authorisation request (operator_request)."""
    if not request.session.get(SEARCHED_SESSION_KEY):
        messages.info(
            request,
            _("Search the directory first: your organisation may already be there."),
        )
        return redirect("entities:operators")
    if request.method == "POST":
        form = OperatorForm(request.POST)
        if form.is_valid():
            data = request.POST.dict()
            data.pop("csrfmiddlewaretoken", None)
            request.session[PENDING_OPERATOR_SESSION_KEY] = data
            return redirect("requests:operator_request")
    else:
        initial = {k: request.GET[k][:200] for k in ("name", "country") if request.GET.get(k)}
        form = OperatorForm(initial=initial)
    return render(request, "requests_app/operator_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def operator_request(request):
    """Second step of "Create a new operator": the request that creates it when sent."""
    data = request.session.get(PENDING_OPERATOR_SESSION_KEY)
    operator_form = OperatorForm(data=data) if data else None
    if operator_form is None or not operator_form.is_valid():
        return redirect("requests:operator_create")
    operator = operator_form.cleaned_data
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        initial=_initial_contact(request.user, operator.get("phone")),
        region=operator["country"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_submit_new_operator(
                applicant=request.user, operator_data=operator, **form.cleaned_data
            )
        except services.TooManyRequests as error:
            return render(request, "429.html", {"reason": str(error)}, status=429)
        except (ValidationError, services.RequestError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect("requests:operator_create")
        request.session.pop(PENDING_OPERATOR_SESSION_KEY, None)
        return redirect("requests:sent", created.pk)
    return render(
        request,
        "requests_app/operator_request.html",
        {
            "form": form,
            "operator": operator,
            "draft": services.request_draft(
                applicant=request.user,
                organisation=Organisation(kind=Kind.OPERATOR, country=operator["country"]),
                kind=RequestKind.NEW_OPERATOR,
            ),
            "country_name": countries.name(operator["country"]),
            "action": reverse("requests:operator_request"),
            "cancel_url": reverse("requests:operator_create"),
        },
    )


@login_required
@require_safe
def detail(request, pk: int):
    authorisation_request = _request_for(request.user, pk)
    return render(
        request,
        "requests_app/detail.html",
        {
            "req": authorisation_request,
            "can_decide": authorisation_request.is_pending
            and services.can_decide(user=request.user, request=authorisation_request),
            "reject_form": RejectForm(),
            "is_author": authorisation_request.applicant_id == request.user.pk,
            "change_rows": selectors.change_rows(authorisation_request)
            if authorisation_request.is_change
            else [],
        },
    )


def _operator_initial(operator: Organisation) -> dict:
    """A new operator's details as its creation form shows them."""
    return {
        "name": operator.name,
        "country": str(operator.country),
        "city": operator.city,
        "address": operator.address,
        "postcode": operator.postcode,
        "phone": operator.phone.as_international if operator.phone else "",
        "email": operator.email,
        "eori": operator.eori,
        "is_importer": operator.is_importer,
        "is_first_consignee": operator.is_first_consignee,
        "control_body": operator.control_body_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, pk: int):
    """Correct and resubmit: the request's author edits what was asked and sends it again.

    A new operator's details (the creation form, with its checks) and the message
    and contacts; the operator's row changes only when the request is resubmitted.
    """
    authorisation_request = _request_for(request.user, pk)
    if authorisation_request.applicant_id != request.user.pk:
        raise Http404
    if not authorisation_request.in_correction:
        messages.info(request, _("This request is not waiting for a correction."))
        return redirect("requests:detail", authorisation_request.pk)
    organisation = authorisation_request.organisation
    with_operator = (
        authorisation_request.kind == RequestKind.NEW_OPERATOR
        and organisation.status == OrganisationStatus.NEW
    )
    data = request.POST if request.method == "POST" else None
    initial = {
        "message": authorisation_request.message,
        "contact_email": authorisation_request.contact_email,
        "contact_phone": authorisation_request.contact_phone.as_international
        if authorisation_request.contact_phone
        else "",
    }
    # A number without its country code is read in the operator's (corrected) country.
    region = (data.get("country") if data and with_operator else None) or organisation.country
    with_change = authorisation_request.is_change
    if with_change:
        # The declared values, as the proposal has them, over the validated ones.
        declared = {**OperatorChangeForm.initial_for(organisation)}
        declared.update(authorisation_request.proposal.get("proposed", {}))
        form = ChangeCorrectionForm(
            data, initial={**declared, **initial}, operator=organisation, region=region
        )
    elif with_operator:
        form = NewOperatorCorrectionForm(
            data,
            initial={**_operator_initial(organisation), **initial},
            operator=organisation,
            region=region,
        )
    else:
        form = RequestForm(data, initial=initial, region=region)
    if data is not None and form.is_valid():
        try:
            if with_change:
                services.request_resubmit(
                    request=authorisation_request,
                    by=request.user,
                    proposed=form.proposed_changes(),
                    **form.request_data(),
                )
            elif with_operator:
                services.request_resubmit(
                    request=authorisation_request,
                    by=request.user,
                    operator_data=form.operator_data(),
                    **form.request_data(),
                )
            else:
                services.request_resubmit(
                    request=authorisation_request, by=request.user, **form.cleaned_data
                )
        except (ValidationError, services.RequestError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect("requests:detail", authorisation_request.pk)
        messages.success(request, _("Your corrected request has been sent: it is pending again."))
        return redirect("requests:detail", authorisation_request.pk)
    return render(
        request,
        "requests_app/correct.html",
        {
            "req": authorisation_request,
            "form": form,
            "with_operator": with_operator or with_change,
            "with_change": with_change,
        },
        status=400 if data is not None else 200,
    )


@login_required
@require_safe
def history(request, pk: int):
    """A request's history alone: the profile loads it when its row is opened."""
    return render(
        request, "requests_app/detail.html#history", {"req": _request_for(request.user, pk)}
    )


@login_required
@require_safe
def sent(request, pk: int):
    """The confirmation after sending: the reference, who decides and by when, what next."""
    authorisation_request = _request_for(request.user, pk)
    if authorisation_request.applicant_id != request.user.pk:
        raise Http404
    return render(request, "requests_app/sent.html", {"req": authorisation_request})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """GET: what withdrawing means, and Confirm; POST: withdraw."""
    authorisation_request = _request_for(request.user, pk)
    if authorisation_request.applicant_id != request.user.pk:
        raise Http404
    if request.method == "GET":
        return render(request, "requests_app/withdraw.html", {"req": authorisation_request})
    try:
        services.request_withdraw(request=authorisation_request, by=request.user)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("accounts:profile")


def _decidable(user, pk: int) -> AuthorisationRequest:
    authorisation_request = _request_for(user, pk)
    if not services.can_decide(user=user, request=authorisation_request):
        raise Http404
    return authorisation_request


@login_required
@require_http_methods(["GET", "POST"])
def approve(request, pk: int):
    """GET: what approving means, and Confirm; POST: approve."""
    authorisation_request = _decidable(request.user, pk)
    if request.method == "GET":
        return render(request, "requests_app/approve.html", {"req": authorisation_request})
    try:
        services.request_approve(request=authorisation_request, decided_by=request.user)
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You approved the request of %(applicant)s.")
            % {"applicant": authorisation_request.applicant},
        )
    return redirect("requests:to_decide")


@login_required
@require_POST
def reject(request, pk: int):
    """A reason, then a confirmation that shows it (`confirmed` absent), then the rejection."""
    authorisation_request = _decidable(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "requests_app/detail.html",
            {"req": authorisation_request, "can_decide": True, "reject_form": form},
            status=400,
        )
    if request.POST.get("confirmed") != "yes":
        return render(
            request, "requests_app/reject.html", {"req": authorisation_request, "form": form}
        )
    try:
        services.request_reject(
            request=authorisation_request,
            decided_by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You rejected the request of %(applicant)s.")
            % {"applicant": authorisation_request.applicant},
        )
    return redirect("requests:to_decide")


@login_required
@require_safe
def to_decide(request):
    """Operator administrators: their colleagues' requests to join."""
    pending = (
        AuthorisationRequest.objects.administered_by(request.user)
        .pending()
        .exclude(applicant=request.user)
        .with_related()
        .distinct()
    )
    return render(request, "requests_app/to_decide.html", {"requests": pending})


@login_required
@require_http_methods(["GET", "POST"])
def change_propose(request, pk: int):
    """An operator's administrators propose new details: the new-operator form, filled
    with the validated values; sending makes a request of kind Change."""
    operator = get_object_or_404(
        Organisation.objects.operators().select_related("control_body"), pk=pk
    )
    role = (
        Membership.objects.filter(user=request.user, organisation=operator)
        .values_list("is_admin", flat=True)
        .first()
    )
    if role is None:
        raise Http404
    if not role:
        raise PermissionDenied
    pending = selectors.open_change_of(operator)
    data = request.POST if request.method == "POST" else None
    form = OperatorChangeForm(data, operator=operator)
    note = ChangeMessageForm(data)
    if request.method == "POST" and pending is None and form.is_valid() and note.is_valid():
        try:
            sent = services.change_propose(
                operator=operator,
                proposed=form.proposed_changes(),
                by=request.user,
                message=note.cleaned_data["message"],
            )
        except services.TooManyRequests as error:
            return render(request, "429.html", {"reason": str(error)}, status=429)
        except services.RequestError as error:
            form.add_error(None, str(error))
        else:
            return redirect("requests:sent", sent.pk)
    return render(
        request,
        "requests_app/change_form.html",
        {"form": form, "note": note, "operator": operator, "pending": pending},
        status=400 if request.method == "POST" else 200,
    )
