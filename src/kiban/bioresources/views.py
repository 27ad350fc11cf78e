"""Pages of the national bioresource catalogue: the public catalogue and resource pages, the cart and
orders with their MTAs and biosafety facility, the centre desk (orders, packing, shipping, lots and QC,
deposits), depositors' approvals, deposits and statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core.errors import form_errors_text
from kiban.core.exports import export_sheets_response
from kiban.core.pages import PageError, act, filtered, page_errors, paginate, paginate_table, query_url
from kiban.core.permissions import require
from kiban.programmes.models import Programme
from kiban.submissions import services as lifecycle

from . import selectors, services
from .catalogue_sheet import catalogue_sheet
from .choices import STANDARD_TERMS, DepositState, OrderState, ResourceClass, ResourceType, ShipmentState
from .filtersets import CatalogueFilter
from .forms import (
    AvailabilityForm,
    CheckoutForm,
    DepositAcceptForm,
    DepositForm,
    FacilityForm,
    LotForm,
    MtaForm,
    OrderFacilityForm,
    PackForm,
    PaperForm,
    QcForm,
    QuantityForm,
    ReasonForm,
    ShipForm,
)
from .models import Deposit, Lot, OrderLine, Resource, ResourceOrder
from .stats import centre_type_chart, orders_chart, papers_chart, statistics, statistics_sheet
from .tables import CatalogueTable


def nbrp_programme() -> Programme | None:
    """S0's NBRP programme, whose page holds its budgets (never copied here)."""
    return Programme.objects.filter(code="nbrp").first()


def _facets(queryset, field: str, choices) -> list[tuple[str, str, int]]:
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in choices]


# --- the public catalogue
@page_errors
def catalogue(request):
    """Anyone, signed in or not: one search across every resource type, with facets and a page per item."""
    require(request.user, "bioresources.view_catalogue")
    catalogue_filter = CatalogueFilter(request.GET or None, queryset=selectors.catalogue())
    resources = filtered(catalogue_filter)
    table = CatalogueTable(resources)
    page = paginate_table(request, table)
    facet_links = [
        (
            label,
            [
                (
                    text,
                    count,
                    query_url(request, **{name: value, "page": None}),
                    request.GET.get(name) == str(value),
                )
                for value, text, count in _facets(resources, name, choices)
            ],
        )
        for label, name, choices in (
            (_("Resource type"), "resource_type", ResourceType.choices),
            (_("Class"), "resource_class", ResourceClass.choices),
        )
    ]
    return render(
        request,
        "bioresources/catalogue.html",
        {
            "filter": catalogue_filter,
            "table": table,
            "page": page,
            "facets": facet_links,
            "export_query": query_url(request, page=None, sort=None),
            "programme": nbrp_programme(),
            "can_order": request.user.has_perm("bioresources.add_resourceorder"),
        },
    )


@page_errors
def catalogue_export(request, file_format: str):
    """Anyone: the catalogue, filtered as on the page, as CSV or Excel."""
    require(request.user, "bioresources.view_catalogue")
    resources = filtered(CatalogueFilter(request.GET or None, queryset=selectors.catalogue()))
    return export_sheets_response(
        sheets=[catalogue_sheet(resources.order_by("number"))], filename="kiban-bioresources", fmt=file_format
    )


@page_errors
def resource_detail(request, pk: int):
    """Anyone: one resource with its attributes, references, lots' QC, MTA terms and prices."""
    require(request.user, "bioresources.view_resource")
    try:
        resource = selectors.resource_detail(pk=pk)
    except Resource.DoesNotExist as error:
        raise PageError(404, _("No such resource.")) from error
    lots = list(resource.lots.all())
    for lot in lots:
        lot.problem = lot.qc_problem(list(lot.qc_tests.all()))
    return render(
        request,
        "bioresources/resource_detail.html",
        {
            "resource": resource,
            "lots": lots,
            "standard_terms": STANDARD_TERMS,
            "can_order": request.user.has_perm("bioresources.add_resourceorder"),
            "can_manage": request.user.has_perm("bioresources.change_resource", resource),
            "quantity_form": QuantityForm(),
            "lot_form": LotForm(),
            "availability_form": AvailabilityForm(initial={"availability": resource.availability}),
            "programme": nbrp_programme(),
        },
    )


# --- the cart
@login_required
@require_POST
def cart_add(request, pk: int):
    """Researchers and company members: put a resource in the cart."""
    require(request.user, "bioresources.add_resourceorder")
    resource = get_object_or_404(Resource, pk=pk)
    form = QuantityForm(request.POST)
    return act(
        request,
        "bioresources:cart",
        lambda: services.cart_add(
            user=request.user, resource=resource, quantity=form.cleaned_data["quantity"]
        ),
        _("%(resource)s is in your cart.") % {"resource": resource},
        form=form,
    )


@login_required
@require_POST
def cart_remove(request, pk: int):
    """Researchers and company members: take a resource out of the cart."""
    services.cart_remove(user=request.user, resource_id=pk)
    messages.success(request, _("Removed from the cart."))
    return redirect("bioresources:cart")


@login_required
def cart(request):
    """Researchers and company members: the cart across centres, and checkout into one order per centre."""
    require(request.user, "bioresources.add_resourceorder")
    organisations = selectors.ordering_organisations(user=request.user)
    form = CheckoutForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if form.is_valid():
            try:
                orders = services.orders_from_cart(
                    user=request.user,
                    organisation=form.cleaned_data["organisation"],
                    purpose=form.cleaned_data["purpose"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(count)s draft order(s) made, one per centre: accept each MTA, then submit.")
                    % {"count": len(orders)},
                )
                return redirect(orders[0] if len(orders) == 1 else "bioresources:orders")
        else:
            messages.error(request, form_errors_text(form))
    items = selectors.cart_of(user=request.user)
    return render(request, "bioresources/cart.html", {"items": items, "form": form})


# --- orders
@login_required
@page_errors
def order_list(request):
    """Researchers and company members: the orders they prepared."""
    require(request.user, "bioresources.add_resourceorder")
    orders = paginate(request, selectors.orders_for(user=request.user).filter(created_by=request.user))
    return render(request, "bioresources/order_list.html", {"orders": orders})


def _order(request, pk: int, perm: str = "bioresources.view_resourceorder") -> ResourceOrder:
    try:
        order = selectors.order_detail(pk=pk)
    except ResourceOrder.DoesNotExist as error:
        raise PageError(404, _("No such order.")) from error
    require(request.user, perm, order)
    return order


@login_required
@page_errors
def order_detail(request, pk: int):
    """The orderer and the centre's staff: the order, each line's MTA, biosafety, lots, shipment, invoice."""
    order = _order(request, pk)
    user = request.user
    lines = list(order.lines.all())
    shipment = selectors.shipment_of(order)
    can_change = user.has_perm("bioresources.change_resourceorder", order)
    can_ship = user.has_perm("bioresources.ship_resourceorder", order)
    context = {
        "order": order,
        "lines": lines,
        "shipment": shipment,
        "can_change": can_change,
        "can_submit": can_change and user.has_perm("bioresources.submit_resourceorder", order),
        "can_withdraw": user.has_perm("bioresources.withdraw_resourceorder", order)
        and lifecycle.transition_refusal(order, "withdraw") is None,
        "can_decide": user.has_perm("bioresources.decide_resourceorder", order) and order.is_pending,
        "can_pack": can_ship and order.state == OrderState.ACCEPTED,
        "can_ship": can_ship and shipment is not None and shipment.state == ShipmentState.PACKED,
        "can_receive": shipment is not None
        and shipment.state == ShipmentState.SHIPPED
        and user.has_perm("bioresources.complete_resourceorder", order),
        "can_report": order.created_by_id == user.pk
        and order.state in (OrderState.IN_PROGRESS, OrderState.COMPLETED),
        "problems": services.order_problems(order) if can_change else [],
        "biosafety": services.biosafety_refusal(order, lines),
        "mta_form": MtaForm(),
        "facility_form": OrderFacilityForm(
            organisation=order.organisation, initial={"facility": order.facility_id}
        ),
        "reason_form": ReasonForm(),
        "pack_form": PackForm(lines=lines) if can_ship else None,
        "ship_form": ShipForm(),
        "paper_form": PaperForm(),
        "invoice_lines": list(order.invoice.lines.all()) if order.invoice else [],
        "invoice_totals": order.invoice.totals if order.invoice else None,
    }
    if can_ship:
        context["lots"] = {line.pk: selectors.shippable_lots(resource=line.resource) for line in lines}
        for line in lines:
            line.lot_choices = context["lots"][line.pk]
    return render(request, "bioresources/order_detail.html", context)


@login_required
@require_POST
@page_errors
def mta_accept(request, pk: int, line_pk: int):
    """The orderer, while the order is editable: accept one line's MTA (with the signatory where needed)."""
    order = _order(request, pk, "bioresources.change_resourceorder")
    line = get_object_or_404(OrderLine.objects.select_related("resource", "order"), pk=line_pk, order=order)
    form = MtaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to accept the terms."))
        return redirect(order)
    return act(
        request,
        order,
        lambda: services.mta_accept(
            line=line,
            actor=request.user,
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_title=form.cleaned_data["signatory_title"],
        ),
        _("The MTA of %(resource)s is accepted.") % {"resource": line.resource.number},
    )


@login_required
@require_POST
@page_errors
def order_facility(request, pk: int):
    """The orderer, while the order is editable: choose the biosafety facility where it will be used."""
    order = _order(request, pk, "bioresources.change_resourceorder")
    form = OrderFacilityForm(request.POST, organisation=order.organisation)
    return act(
        request,
        order,
        lambda: services.order_set_facility(
            order=order, facility=form.cleaned_data["facility"], actor=request.user
        ),
        _("The biosafety facility is saved."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def order_submit(request, pk: int):
    """The orderer: submit (or resubmit) the order to the centre."""
    order = _order(request, pk, "bioresources.submit_resourceorder")
    return act(
        request,
        order,
        lambda: services.order_submit(order=order, actor=request.user),
        _("The order is submitted to the centre."),
    )


@login_required
@require_POST
@page_errors
def order_withdraw(request, pk: int):
    """The orderer: withdraw an order not yet decided."""
    order = _order(request, pk, "bioresources.withdraw_resourceorder")
    return act(
        request,
        order,
        lambda: lifecycle.submission_withdraw(
            submission=order, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The order is withdrawn."),
    )


@login_required
@require_POST
@page_errors
def order_decide(request, pk: int, decision: str):
    """The centre's staff: accept, decline or return a submitted order."""
    order = _order(request, pk, "bioresources.decide_resourceorder")
    reason, user = request.POST.get("reason", ""), request.user
    writes = {
        "accept": (
            lambda: services.order_accept(order=order, actor=user, reason=reason),
            _("The order is accepted."),
        ),
        "decline": (
            lambda: lifecycle.submission_decide(submission=order, accept=False, reason=reason, actor=user),
            _("The order is declined."),
        ),
        "return": (
            lambda: lifecycle.submission_return(submission=order, reason=reason, actor=user),
            _("The order is returned to the orderer for changes."),
        ),
    }
    write, success = writes[decision]
    return act(request, order, write, success)


@login_required
@require_POST
@page_errors
def order_pack(request, pk: int):
    """The centre's staff: pack an accepted order from QC-passed lots (stock is counted down)."""
    order = _order(request, pk, "bioresources.ship_resourceorder")
    form = PackForm(request.POST, lines=list(order.lines.all()))
    return act(
        request,
        order,
        lambda: services.shipment_pack(
            order=order, lots=form.lots(), cold_chain=form.cleaned_data["cold_chain"], actor=request.user
        ),
        _("The order is packed."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def order_ship(request, pk: int):
    """The centre's staff: hand the parcel to the carrier; the invoice is issued."""
    order = _order(request, pk, "bioresources.ship_resourceorder")
    form = ShipForm(request.POST)
    return act(
        request,
        order,
        lambda: services.shipment_ship(order=order, actor=request.user, **form.cleaned_data),
        _("The parcel is shipped and the invoice issued."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def order_receive(request, pk: int):
    """The orderer (or the centre's staff): record the parcel received."""
    order = _order(request, pk, "bioresources.complete_resourceorder")
    return act(
        request,
        order,
        lambda: services.shipment_receive(order=order, actor=request.user),
        _("The parcel is received."),
    )


@login_required
@require_POST
@page_errors
def order_paper(request, pk: int, line_pk: int):
    """The orderer: report a paper (DOI) that used a resource of the order."""
    order = _order(request, pk)
    line = get_object_or_404(OrderLine.objects.select_related("resource"), pk=line_pk, order=order)
    form = PaperForm(request.POST)
    return act(
        request,
        order,
        lambda: services.paper_report(
            resource=line.resource, doi=form.cleaned_data["doi"], actor=request.user
        ),
        _("The paper is recorded. Thank you."),
        form=form,
    )


@login_required
@page_errors
def packing_list(request, pk: int):
    """The orderer and the centre's staff: the printable packing list (lots, MTAs, cold chain, tracking)."""
    order = _order(request, pk)
    shipment = selectors.shipment_of(order)
    if shipment is None:
        raise PageError(404, _("The order is not packed yet."))
    return render(
        request,
        "bioresources/packing_list.html",
        {"order": order, "shipment": shipment, "lines": order.lines.all()},
    )


# --- biosafety facilities
def _local_next(url: str) -> str:
    """A page of this app to return to after registering, never another site."""
    return url if url.startswith("/bioresources/") and "//" not in url and "\\" not in url else ""


@login_required
def facilities(request):
    """Researchers and company members: their institutions' biosafety facilities, and registering one."""
    require(request.user, "bioresources.add_biosafetyfacility")
    organisations = selectors.ordering_organisations(user=request.user)
    form = FacilityForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.facility_register(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The biosafety facility is registered."))
                return redirect(_local_next(request.POST.get("next", "")) or "bioresources:facilities")
        else:
            messages.error(request, form_errors_text(form))
    listed = selectors.facilities_for(organisation_ids=[o.pk for o in organisations])
    return render(
        request,
        "bioresources/facilities.html",
        {"facilities": listed, "form": form, "next": _local_next(request.GET.get("next", ""))},
    )


# --- the centre desk
@login_required
@page_errors
def centre_desk(request):
    """Centre staff: their centres' orders waiting or in progress, deposits, and lots with QC."""
    require(request.user, "bioresources.view_centre")
    orders = selectors.centre_orders(user=request.user)
    open_states = [OrderState.SUBMITTED, OrderState.RESUBMITTED, OrderState.ACCEPTED, OrderState.IN_PROGRESS]
    return render(
        request,
        "bioresources/centre_desk.html",
        {
            "orders": paginate(request, orders.filter(state__in=open_states), name="orders"),
            "deposits": selectors.deposits_for(user=request.user)
            .exclude(created_by=request.user)
            .exclude(state=DepositState.DRAFT)[:50],
            "lots": paginate(request, selectors.centre_lots(user=request.user)),
            "qc_form": QcForm(),
        },
    )


@login_required
@require_POST
@page_errors
def lot_create(request, pk: int):
    """Centre staff of the resource's centre: record a lot."""
    resource = get_object_or_404(Resource, pk=pk)
    require(request.user, "bioresources.change_resource", resource)
    form = LotForm(request.POST)
    return act(
        request,
        resource,
        lambda: services.lot_create(resource=resource, actor=request.user, **form.cleaned_data),
        _("The lot is recorded."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def resource_availability(request, pk: int):
    """Centre staff of the resource's centre: open, pause or suspend its distribution."""
    resource = get_object_or_404(Resource, pk=pk)
    require(request.user, "bioresources.change_resource", resource)
    form = AvailabilityForm(request.POST)
    return act(
        request,
        resource,
        lambda: services.resource_set_availability(
            resource=resource, availability=form.cleaned_data["availability"], actor=request.user
        ),
        _("The availability is changed."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def qc_record(request, pk: int):
    """Centre staff of the lot's centre: record a QC test and its result."""
    lot = get_object_or_404(Lot.objects.select_related("resource"), pk=pk)
    require(request.user, "bioresources.change_lot", lot)
    form = QcForm(request.POST)
    return act(
        request,
        "bioresources:centre",
        lambda: services.qc_record(lot=lot, actor=request.user, **form.cleaned_data),
        _("The QC test of lot %(lot)s is recorded.") % {"lot": lot.lot_number},
        form=form,
    )


# --- depositors' approvals
@login_required
@page_errors
def depositor_requests(request):
    """Depositors: the requests for their resources whose terms ask for their approval."""
    require(request.user, "bioresources.view_depositor_requests")
    lines = paginate(request, selectors.depositor_requests(user=request.user))
    return render(request, "bioresources/depositor_requests.html", {"lines": lines})


@login_required
@require_POST
@page_errors
def depositor_decide(request, pk: int):
    """The resource's depositor: approve or decline one request."""
    line = get_object_or_404(OrderLine.objects.select_related("resource", "order"), pk=pk)
    require(request.user, "bioresources.decide_orderline", line)
    approve = request.POST.get("decision") == "approve"
    return act(
        request,
        "bioresources:depositor",
        lambda: services.depositor_decide(line=line, approve=approve, actor=request.user),
        _("Your approval is recorded.") if approve else _("The request is declined."),
    )


# --- deposits
@login_required
@page_errors
def deposit_list(request):
    """Researchers and company members: their deposits (centre staff: those made to their centre)."""
    require(request.user, "bioresources.add_deposit")
    deposits = paginate(request, selectors.deposits_for(user=request.user))
    return render(request, "bioresources/deposit_list.html", {"deposits": deposits})


def _deposit_form_saved(request, form, deposit=None):
    data = dict(form.cleaned_data)
    try:
        return services.deposit_save(actor=request.user, deposit=deposit, **data), None
    except ValidationError as error:
        return None, error


@login_required
def deposit_new(request):
    """Researchers and company members: draft a deposit (deposition or donation) with its terms and QC
    evidence."""
    require(request.user, "bioresources.add_deposit")
    form = DepositForm(
        request.POST or None, organisations=selectors.ordering_organisations(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        deposit, error = _deposit_form_saved(request, form)
        if deposit is not None:
            messages.success(request, _("The deposit is drafted; submit it when it is complete."))
            return redirect(deposit)
        _form_error(form, error)
    return render(request, "bioresources/deposit_form.html", {"form": form})


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
@page_errors
def deposit_detail(request, pk: int):
    """The depositor and the centre's staff: the deposit, its editing while a draft, and its screening."""
    deposit = get_object_or_404(
        Deposit.objects.select_related("centre", "organisation", "species", "resource"), pk=pk
    )
    require(request.user, "bioresources.view_deposit", deposit)
    user = request.user
    can_change = user.has_perm("bioresources.change_deposit", deposit)
    form = (
        DepositForm(
            request.POST or None, instance=deposit, organisations=selectors.ordering_organisations(user=user)
        )
        if can_change
        else None
    )
    if request.method == "POST":
        require(user, "bioresources.change_deposit", deposit)
        if form.is_valid():
            saved, error = _deposit_form_saved(request, form, deposit)
            if saved is not None:
                messages.success(request, _("The deposit is saved."))
                return redirect(deposit)
            _form_error(form, error)
    can_screen = user.has_perm("bioresources.review_deposit", deposit)
    return render(
        request,
        "bioresources/deposit_detail.html",
        {
            "deposit": deposit,
            "form": form,
            "problems": deposit.submission_problems() if can_change else [],
            "can_submit": can_change,
            "can_screen": can_screen and deposit.state in (DepositState.SUBMITTED, DepositState.RESUBMITTED),
            "can_decide": can_screen and deposit.state == DepositState.UNDER_REVIEW,
            "can_return": can_screen and deposit.is_pending,
            "accept_form": DepositAcceptForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
@page_errors
def deposit_action(request, pk: int, action: str):
    """The depositor: submit. The centre's staff: start screening, return, accept (into the catalogue),
    decline."""
    deposit = get_object_or_404(Deposit.objects.select_related("centre"), pk=pk)
    require(request.user, "bioresources.view_deposit", deposit)
    reason, user = request.POST.get("reason", ""), request.user
    if action == "accept":
        form = DepositAcceptForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(deposit)
    writes = {
        "submit": (
            lambda: services.deposit_submit(deposit=deposit, actor=user),
            _("The deposit is submitted to the centre."),
        ),
        "screen": (lambda: services.deposit_screen(deposit=deposit, actor=user), _("Screening started.")),
        "return": (
            lambda: lifecycle.submission_return(submission=deposit, reason=reason, actor=user),
            _("The deposit is returned to the depositor for changes."),
        ),
        "decline": (
            lambda: lifecycle.submission_decide(submission=deposit, accept=False, reason=reason, actor=user),
            _("The deposit is declined."),
        ),
        "accept": (
            lambda: services.deposit_accept(deposit=deposit, actor=user, **form.cleaned_data),
            _("The deposit is accepted; its catalogue entry is in preparation."),
        ),
    }
    write, success = writes[action]
    return act(request, deposit, write, success)


# --- statistics
@login_required
@page_errors
def statistics_page(request):
    """The ministry and the agency: orders, institutions and papers per fiscal year, centre and type."""
    require(request.user, "bioresources.view_statistics")
    stats = statistics()
    return render(
        request,
        "bioresources/statistics.html",
        {
            "stats": stats,
            "orders_chart": orders_chart(stats),
            "papers_chart": papers_chart(stats),
            "centre_type_chart": centre_type_chart(stats),
            "programme": nbrp_programme(),
        },
    )


@login_required
def statistics_export(request, file_format: str):
    """As statistics_page: the table as CSV or Excel."""
    require(request.user, "bioresources.view_statistics")
    return export_sheets_response(
        sheets=[statistics_sheet(statistics())], filename="kiban-bioresource-statistics", fmt=file_format
    )
