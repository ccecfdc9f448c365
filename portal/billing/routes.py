"""Every route handler of the billing domain, registered by create_app()."""

from typing import Any

from portal.billing.controllers.agreements import AgreementsController
from portal.billing.controllers.api import AgreementsApiController, BillingRunsApiController, InvoicesApiController
from portal.billing.controllers.claims import ClaimsApiController, ClaimsController
from portal.billing.controllers.dashboard import BillingDashboardController
from portal.billing.controllers.family import FamilyBillingController
from portal.billing.controllers.family_superbills import FamilySuperbillsController
from portal.billing.controllers.insurance import InsuranceController
from portal.billing.controllers.invoices import InvoicesController
from portal.billing.controllers.payers import PayerStatementsController
from portal.billing.controllers.reports import BillingReportsController
from portal.billing.controllers.runs import BillingRunsController
from portal.billing.controllers.superbills import SuperbillsApiController, SuperbillsController
from portal.billing.controllers.webhook import StripeWebhookController

BILLING_ROUTE_HANDLERS: list[Any] = [
    BillingDashboardController,
    AgreementsController,
    BillingRunsController,
    InvoicesController,
    PayerStatementsController,
    BillingReportsController,
    AgreementsApiController,
    InvoicesApiController,
    BillingRunsApiController,
    StripeWebhookController,
    FamilyBillingController,
    InsuranceController,
    ClaimsController,
    ClaimsApiController,
    FamilySuperbillsController,
    SuperbillsController,
    SuperbillsApiController,
]
