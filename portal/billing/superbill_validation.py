"""What an insurer checks on a superbill, checked before one is issued. Each failure is a sentence a biller can act
on ("Diagnosis F99.99 is not a billable ICD-10-CM code."), shown on the preview page, by the CLI and the API.

Checks: the codes of the real ICD-10-CM code set (`simple_icd_10_cm`, billable = a leaf of the tree); NPIs are 10
digits whose last is the Luhn check digit over "80840" + the first nine (`stdnum.luhn`); the tax id is a valid EIN
or SSN (`stdnum.us`); each line has one date, a code, units ≥ 1 and a place of service; the patient's name
matches the insurance card; the month is paid in full and amount paid equals total charge.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import simple_icd_10_cm as icd
from stdnum import luhn
from stdnum.us import ein, ssn

from portal.billing.catalogue import CODE_PATTERN, PLACES_OF_SERVICE
from portal.templating import money


def npi_is_valid(npi: str) -> bool:
    npi = (npi or "").strip()
    return len(npi) == 10 and npi.isdigit() and luhn.is_valid("80840" + npi)


def icd10_is_billable(code: str) -> bool:
    code = (code or "").strip().upper()
    try:
        return bool(code) and icd.is_valid_item(code) and icd.is_leaf(code)
    except (ValueError, KeyError):
        return False


def tax_id_is_valid(tax_id: str, kind: str) -> bool:
    if kind == "ssn":
        return bool(tax_id) and ssn.is_valid(tax_id)
    return bool(tax_id) and ein.is_valid(tax_id)


def normalised_name(name: str) -> str:
    """Names compared as an insurer's clerk would: case, accents, punctuation and extra spaces do not matter."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def check_provider(practice: dict[str, Any], clinicians: Iterable[dict[str, Any] | None]) -> list[str]:
    problems: list[str] = []
    if not practice.get("legal_name") and not practice.get("name"):
        problems.append("The practice's legal name is missing (billing profile, box 33).")
    if not practice.get("street") or not practice.get("city"):
        problems.append("The practice's address is missing (billing profile, box 33).")
    kind = practice.get("tax_id_type") or "ein"
    label = "SSN" if kind == "ssn" else "EIN"
    if not practice.get("tax_id"):
        problems.append("The practice's tax id (EIN or SSN) is missing (box 25).")
    elif not tax_id_is_valid(practice["tax_id"], kind):
        problems.append(f"The practice's tax id is not a valid {label} (box 25).")
    if practice.get("npi") and not npi_is_valid(practice["npi"]):
        problems.append(f"The practice's NPI {practice['npi']} fails the NPI check digit (box 33a).")
    for clinician in clinicians:
        if clinician is None:
            continue
        name = clinician.get("display_name") or "The rendering clinician"
        if not clinician.get("profile"):
            problems.append(f"{name} has no clinician profile (NPI and credentials) for superbills.")
            continue
        if not clinician.get("credentials"):
            problems.append(f"{name}'s credentials are missing (box 31).")
        if not clinician.get("npi"):
            problems.append(f"{name}'s NPI is missing (box 24J).")
        elif not npi_is_valid(clinician["npi"]):
            problems.append(f"{name}'s NPI {clinician['npi']} fails the NPI check digit (box 24J).")
    return problems


def check_patient(patient: dict[str, Any], insurance: dict[str, Any] | None) -> list[str]:
    problems: list[str] = []
    if insurance is None:
        return ["No insurance plan is on file for this client (boxes 1a, 4, 11)."]
    if not insurance.get("member_id"):
        problems.append("The insurance member id is missing (box 1a).")
    card_name = insurance.get("patient_name_on_card") or ""
    if not card_name:
        problems.append("The patient's name as printed on the insurance card is missing (box 2).")
    elif normalised_name(card_name) != normalised_name(patient.get("name", "")):
        problems.append(
            f"The patient's name ({patient.get('name', '')}) does not match the insurance card ({card_name}) (box 2)."
        )
    if not patient.get("date_of_birth"):
        problems.append("The patient's date of birth is missing (box 3).")
    return problems


def check_diagnoses(diagnoses: list[dict[str, Any]]) -> list[str]:
    if not diagnoses:
        return ["No current diagnosis with an ICD-10-CM code is on file (box 21)."]
    return [
        f"Diagnosis {row['code']} is not a valid billable ICD-10-CM code (box 21)."
        for row in diagnoses
        if not icd10_is_billable(row["code"])
    ]


def check_lines(lines: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if not lines:
        return ["There are no billable services in this period to put on a superbill."]
    for line in lines:
        where = f"The line of {line.get('service_date') or 'an unknown date'} ({line.get('code') or 'no code'})"
        if not line.get("service_date"):
            problems.append(f"{where} has no date of service (box 24A).")
        if not line.get("place_of_service"):
            problems.append(f"{where} has no place of service (box 24B).")
        elif line["place_of_service"] not in PLACES_OF_SERVICE:
            problems.append(f"{where} has an unknown place of service {line['place_of_service']} (box 24B).")
        if not line.get("code") or not CODE_PATTERN.match(line["code"]):
            problems.append(f"{where} has no valid CPT/HCPCS code (box 24D).")
        if int(line.get("units") or 0) < 1:
            problems.append(f"{where} has no units (box 24G).")
        if not line.get("diagnosis_pointers"):
            problems.append(f"{where} points to no diagnosis (box 24E).")
    return problems


def check_totals(total_charge: int, total_paid: int, *, paid_in_full: bool, reason: str = "") -> list[str]:
    if not paid_in_full:
        return [reason or "The month is not paid in full: a superbill needs proof of payment and no balance."]
    if total_paid != total_charge:
        return [f"The amount paid ({money(total_paid)}) does not equal the total charge ({money(total_charge)})."]
    return []
