"""The program network's vocabularies (DOMAIN.md §3, §5) and how SAMHSA FindTreatment.gov service codes map
onto them. Stored values are the keys; levels of care reuse portal.cases.vocabulary.LEVELS_OF_CARE."""

from __future__ import annotations

VETTING_STATUSES = {
    "unvetted": "Not vetted",
    "in_review": "In review",
    "approved": "Approved",
    "provisional": "Provisional",
    "declined": "Declined",
    "review_needed": "Review needed",
}
VETTED = frozenset({"approved", "provisional"})

PROGRAM_TYPES = {
    "substance_use": "Substance use treatment",
    "mental_health": "Mental health treatment",
    "co_occurring": "Co-occurring treatment",
    "withdrawal_management": "Withdrawal management (detox)",
    "psychiatric_hospital": "Psychiatric hospital",
    "residential": "Residential",
    "php": "Partial hospitalization",
    "iop": "Intensive outpatient",
    "outpatient": "Outpatient",
    "telehealth": "Telehealth",
    "wilderness": "Wilderness therapy",
    "therapeutic_school": "Therapeutic boarding school",
    "transitional_living": "Young-adult transitional living",
    "sober_living": "Sober living",
    "otp": "Opioid treatment program",
}

POPULATIONS = {
    "adolescents": "Adolescents",
    "young_adults": "Young adults",
    "adults": "Adults",
    "seniors": "Seniors",
    "lgbtq": "LGBTQ+",
    "veterans": "Veterans",
    "military": "Active duty military and families",
    "pregnant_women": "Pregnant or postpartum women",
    "court_referred": "Referred by the courts",
}

GENDERS = {"male": "Men", "female": "Women", "all": "All genders"}

CONDITIONS = {
    "alcohol": "Alcohol use disorder",
    "opioids": "Opioid use disorder",
    "stimulants": "Stimulant use disorder",
    "cannabis": "Cannabis use disorder",
    "co_occurring": "Co-occurring disorders",
    "depression": "Depression",
    "anxiety": "Anxiety",
    "trauma": "Trauma and PTSD",
    "eating_disorders": "Eating disorders",
    "personality_disorders": "Personality disorders",
    "psychosis": "Psychosis and serious mental illness",
    "bipolar": "Bipolar disorder",
    "ocd": "OCD",
    "adhd": "ADHD",
    "autism": "Autism spectrum",
    "tbi": "Traumatic brain injury",
    "gambling": "Gambling",
}

APPROACHES = {
    "cbt": "Cognitive behavioral therapy",
    "dbt": "Dialectical behavior therapy",
    "emdr": "EMDR",
    "motivational_interviewing": "Motivational interviewing",
    "twelve_step": "12-step facilitation",
    "trauma_therapy": "Trauma therapy",
    "family_program": "Family program",
    "mat_on_site": "Medications for addiction treatment on site",
    "mat_accepted": "Accepts clients on MAT",
    "contingency_management": "Contingency management",
    "integrated_dual_disorder": "Integrated dual-disorder treatment",
    "experiential": "Experiential and activity therapy",
}

PAYMENT = {
    "private_pay": "Private pay",
    "private_insurance": "Private insurance",
    "out_of_network": "Out-of-network benefits",
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "military": "Military insurance (TRICARE)",
    "sliding_scale": "Sliding fee scale",
    "government_funding": "Government funding",
}

ACCREDITATIONS = {
    "joint_commission": "The Joint Commission",
    "carf": "CARF",
    "coa": "COA",
    "natsap": "NATSAP member",
    "legitscript": "LegitScript",
    "state_license": "State license",
}

LANGUAGES = {"english": "English", "spanish": "Spanish", "asl": "American Sign Language / deaf services"}

EXCLUSIONS = {
    "active_psychosis": "Active psychosis",
    "recent_suicide_attempt": "Suicide attempt in the last 30 days",
    "violence_history": "History of violence",
    "sex_offense": "Sex-offense history",
    "medical_detox_needed": "Needs medical detox first",
    "eating_disorder_medical": "Medically unstable eating disorder",
    "under_18": "Under 18",
}

CONTACT_ROLES = {
    "admissions": "Admissions",
    "clinical": "Clinical director",
    "family_liaison": "Family liaison",
    "executive": "Executive",
    "other": "Other",
}

CREDENTIAL_KINDS = {
    "license": "License",
    "accreditation": "Accreditation",
    "certification": "Certification",
    "membership": "Membership",
}

DESK_CHECKS = {
    "state_license": "State license verified with the licensing body",
    "accreditation": "Accreditation verified with the accreditor",
    "npi": "NPI looked up in NPPES",
    "exclusion_lists": "Not on OIG/SAM exclusion lists",
    "inspections": "State inspection reports reviewed",
    "complaints_lawsuits": "Complaints and lawsuits searched",
    "ownership": "Ownership and parent company known",
    "clinical_model": "Clinical model and staffing reviewed",
    "pricing": "Pricing and what it includes confirmed",
    "outcomes_claims": "Outcomes claims checked",
    "no_referral_fee": "No-referral-fee attestation received",
}

SITE_VISIT_CHECKLIST = {
    "safety": "Physical safety and supervision",
    "clinical_staff": "Clinical staff met, credentials seen",
    "medical_coverage": "Medical and psychiatric coverage",
    "milieu": "Milieu and peer group fit",
    "family_program": "Family program",
    "discharge_planning": "Discharge and aftercare planning",
    "living_conditions": "Living conditions",
    "client_rights": "Client rights and grievance process",
}

INCIDENT_KINDS = {
    "incident": "Incident",
    "complaint": "Complaint",
    "ownership_change": "Ownership change",
    "leadership_change": "Leadership change",
}

DECISIONS = {"approved": "Approved", "provisional": "Provisional", "declined": "Declined"}

FACETS = {
    "level": "Level of care",
    "type": "Program type",
    "population": "Population",
    "gender": "Gender",
    "condition": "Condition",
    "approach": "Approach",
    "payment": "Payment",
    "accreditation": "Accreditation",
    "language": "Language",
}

# ---------------------------------------------------------------------------------------------------------------
# SAMHSA FindTreatment.gov service codes → our facets. Each entry: SAMHSA value → list of (facet, value).

SAMHSA_MAP: dict[str, dict[str, list[tuple[str, str]]]] = {
    "TC": {
        "Substance use treatment": [("type", "substance_use")],
        "Mental health treatment": [("type", "mental_health")],
    },
    "SET": {
        "Residential": [("type", "residential")],
        "Short-term residential": [("type", "residential"), ("level", "asam3:3.5")],
        "Long-term residential": [("type", "residential"), ("level", "asam3:3.1")],
        "Hospital inpatient": [("type", "psychiatric_hospital"), ("level", "asam3:4")],
        "Partial hospitalization/day treatment": [("type", "php"), ("level", "asam3:2.5")],
        "Outpatient day treatment or partial hospitalization": [("type", "php"), ("level", "asam3:2.5")],
        "Intensive outpatient treatment": [("type", "iop"), ("level", "asam3:2.1")],
        "Outpatient": [("type", "outpatient"), ("level", "asam3:1")],
        "Regular outpatient treatment": [("type", "outpatient"), ("level", "asam3:1")],
        "Outpatient methadone/buprenorphine or naltrexone treatment": [("type", "otp"), ("level", "asam3:otp")],
        "Telemedicine/telehealth": [("type", "telehealth")],
        "Computerized treatment/telemedicine": [("type", "telehealth")],
        "Outpatient detoxification": [("type", "withdrawal_management"), ("level", "asam3:1-wm")],
        "Residential detoxification": [("type", "withdrawal_management"), ("level", "asam3:3.2-wm")],
        "Hospital inpatient detoxification": [("type", "withdrawal_management"), ("level", "asam3:4-wm")],
    },
    "PAY": {
        "Cash or self-payment": [("payment", "private_pay")],
        "Private health insurance": [("payment", "private_insurance")],
        "Medicaid": [("payment", "medicaid")],
        "Medicare": [("payment", "medicare")],
        "Military insurance (e.g., TRICARE)": [("payment", "military")],
        "Federal, or any government funding for substance abuse programs": [("payment", "government_funding")],
        "State-financed health insurance plan other than Medicaid": [("payment", "government_funding")],
        "State mental health agency (or equivalent) funds": [("payment", "government_funding")],
        "State welfare or child and family services funds": [("payment", "government_funding")],
        "State corrections or juvenile justice funds": [("payment", "government_funding")],
        "State education funds": [("payment", "government_funding")],
        "Other State funds": [("payment", "government_funding")],
        "County or local government funds": [("payment", "government_funding")],
        "Community Service Block Grants": [("payment", "government_funding")],
        "Community Mental Health Block Grants": [("payment", "government_funding")],
        "U.S. Department of VA funds": [("payment", "government_funding")],
    },
    "PYAS": {"Sliding fee scale (fee is based on income and other factors)": [("payment", "sliding_scale")]},
    "AGE": {
        "Children/adolescents": [("population", "adolescents")],
        "Young adults": [("population", "young_adults")],
        "Adults": [("population", "adults")],
        "Seniors (65 or older)": [("population", "seniors")],
    },
    "GN": {"Male": [("gender", "male")], "Female": [("gender", "female")]},
    "LCA": {
        "The Joint Commission": [("accreditation", "joint_commission")],
        "Commission on Accreditation of Rehabilitation Facilities": [("accreditation", "carf")],
        "Council on Accreditation (COA)": [("accreditation", "coa")],
        "State department of health": [("accreditation", "state_license")],
        "State substance abuse agency": [("accreditation", "state_license")],
        "State mental health department": [("accreditation", "state_license")],
        "Hospital licensing authority": [("accreditation", "state_license")],
    },
    "TAP": {
        "Cognitive behavioral therapy": [("approach", "cbt")],
        "Dialectical behavior therapy": [("approach", "dbt")],
        "Motivational interviewing": [("approach", "motivational_interviewing")],
        "12-step facilitation": [("approach", "twelve_step")],
        "Trauma therapy": [("approach", "trauma_therapy")],
        "Trauma-related counseling": [("approach", "trauma_therapy")],
        "Couples/family therapy": [("approach", "family_program")],
        "Contingency management/motivational incentives": [("approach", "contingency_management")],
        "Integrated dual disorders treatment": [("approach", "integrated_dual_disorder"), ("type", "co_occurring")],
        "Activity therapy": [("approach", "experiential")],
        "Rational emotive behavioral therapy": [("approach", "cbt")],
        "Community reinforcement plus vouchers": [("approach", "contingency_management")],
    },
    "SG": {
        "Persons with co-occurring mental and substance use disorders": [("condition", "co_occurring")],
        "Persons with eating disorders": [("condition", "eating_disorders")],
        "Persons who have experienced trauma": [("condition", "trauma")],
        "Persons with post-traumatic stress disorder (PTSD)": [("condition", "trauma")],
        "Persons with serious mental illness (SMI)": [("condition", "psychosis")],
        "Persons with traumatic brain injury (TBI)": [("condition", "tbi")],
        "Lesbian, gay, bisexual, or transgender (LGBT) clients": [("population", "lgbtq")],
        "Veterans": [("population", "veterans")],
        "Active duty military": [("population", "military")],
        "Military families": [("population", "military")],
        "Pregnant/postpartum women": [("population", "pregnant_women")],
        "Transitional age young adults": [("population", "young_adults")],
        "Adolescents": [("population", "adolescents")],
        "Clients referred from the court/judicial system": [("population", "court_referred")],
        "Children/adolescents with serious emotional disturbance (SED)": [("population", "adolescents")],
        "Seniors or older adults": [("population", "seniors")],
        "Persons who have experienced sexual abuse": [("condition", "trauma")],
        "Persons who have experienced intimate partner violence, domestic violence": [("condition", "trauma")],
    },
    "OL": {"Spanish": [("language", "spanish")]},
    "SL": {"Services for the deaf and hard of hearing": [("language", "asl")]},
    "PHR": {
        "Methadone": [("approach", "mat_on_site")],
        "Buprenorphine with naloxone  (Suboxone®)": [("approach", "mat_on_site")],
        "Buprenorphine without naloxone": [("approach", "mat_on_site")],
        "Buprenorphine (extended-release, injectable, for example, Sublocade®)": [("approach", "mat_on_site")],
        "Extended-release, injectable Naltrexone (Vivitrol®)": [("approach", "mat_on_site")],
        "Naltrexone (oral)": [("approach", "mat_on_site")],
        "Acamprosate (Campral®)": [("approach", "mat_on_site")],
        "Disulfiram (Antabuse®)": [("approach", "mat_on_site")],
    },
    "OT": {
        "Accepts clients on opioid medication": [("approach", "mat_accepted")],
        "SAMHSA-certified Opioid Treatment Program": [
            ("type", "otp"),
            ("level", "asam3:otp"),
            ("condition", "opioids"),
        ],
        "Methadone maintenance": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Methadone maintenance for predetermined time": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Buprenorphine used in Treatment": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Buprenorphine maintenance": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Buprenorphine maintenance for predetermined time": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Prescribes/administers buprenorphine": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Naltrexone used in Treatment": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Prescribes/administers naltrexone": [("approach", "mat_on_site"), ("condition", "opioids")],
        "Relapse prevention from naltrexone": [("approach", "mat_on_site"), ("condition", "opioids")],
    },
    "OM": {"Methadone used in Treatment": [("approach", "mat_on_site"), ("condition", "opioids")]},
    "FT": {
        "Psychiatric hospital or psychiatric unit of a general hospital": [("type", "psychiatric_hospital")],
        "Residential treatment center (RTC) for adults": [
            ("type", "residential"),
            ("level", "mh:residential_treatment_center"),
        ],
        "Residential treatment center (RTC) for children": [
            ("type", "residential"),
            ("population", "adolescents"),
            ("level", "mh:residential_treatment_center"),
        ],
        "Partial hospitalization/day treatment": [("type", "php"), ("level", "mh:php")],
        "Community mental health center": [("type", "mental_health")],
        "Outpatient mental health facility": [
            ("type", "mental_health"),
            ("type", "outpatient"),
            ("level", "mh:outpatient"),
        ],
    },
    # Two more codes whose values say something a search can use; the rest (screening, ancillary services …)
    # stay on SAMHSA's own page.
    "EDU": {"Family counseling offered": [("approach", "family_program")]},
    "AS": {"Family psychoeducation": [("approach", "family_program")]},
}
