import os

from piccolo.conf.apps import AppConfig

from portal.billing.tables import (
    BillingNotice,
    BillingProfile,
    BillingRun,
    CreditNote,
    Expense,
    HoursAlert,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
    Refund,
    RetainerAgreement,
    StripeCall,
    StripeCustomer,
    StripeEvent,
)

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        RetainerAgreement,
        Expense,
        InvoiceCounter,
        Invoice,
        InvoiceLine,
        Payment,
        Refund,
        CreditNote,
        StripeCustomer,
        StripeCall,
        StripeEvent,
        BillingRun,
        HoursAlert,
        BillingNotice,
        BillingProfile,
    ],
    migration_dependencies=["portal.cases.piccolo_app", "portal.files.piccolo_app"],
    commands=[],
)
