"""A second, independent implementation of the Gold measures, for checking the jobs against.

Written from the definitions in words in `etl/README.md` ("Silver", "Gold"), not from the job code, in
plain Python over FHIR R4 resources as dicts. It returns the rows each Gold table should hold, with
the columns of `metriccare_etl.schemas.GOLD_COLUMNS` (`computed_at` is None: a run's clock is not part
of a definition, so compare rows without it).

Two rule sets read the data (`rules=`):

- `"r4"` (default): what R4 allows lands. Partial dates are the periods they name, so an ordering check
  (death before birth, end before start, abatement before onset) fails only when the two periods cannot
  overlap; a date-only `Period.end` includes its whole day; `Encounter.subject` is 0..1 and may be a
  logical reference, so such an encounter still counts where no patient is needed; a text-only
  `Condition.code` is accepted (it names no code, so no prevalence row); second 60 is a valid second.
- `"readme"`: etl/README.md's Silver rules as written: partial dates compared as their first day,
  encounters and conditions without a literal Patient reference quarantined, a code needs a coding
  with system and code.

In both, values that measures group or subtract (months, lengths of stay, ages, death dates) use the
README's local dates: the calendar date the text names, a partial date as the first day of its period.
Resources that cannot be keyed (no id, an id outside R4's `[A-Za-z0-9\\-\\.]{1,64}`) land nowhere.
Every choice the README leaves open is marked `Ambiguity:` below.
"""

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

GOLD_TABLES = (
    "encounters_by_class_month",
    "average_length_of_stay",
    "readmission_rate_30d",
    "condition_prevalence",
    "patients_by_age_band_gender",
)
RULES = ("r4", "readme")

# R4 (4.0.1) regexes, from the StructureDefinitions of id, date and dateTime (datatypes.html).
ID = re.compile(r"[A-Za-z0-9\-\.]{1,64}")
DATE = re.compile(r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?")
DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)

NOT_HELD = {"planned", "cancelled", "entered-in-error"}
ENCOUNTER_STATUSES = {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"}
INPATIENT = {"IMP", "ACUTE", "NONAC"}
EXCLUDED_DISPOSITIONS = {"exp", "aadvice", "other-hcf", "hosp"}
GENDERS = {"male", "female", "other", "unknown"}
CLINICAL_STATUSES = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
ACTIVE = {"active", "recurrence", "relapse"}
VERIFICATION_STATUSES = {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
NOT_CASES = {"refuted", "entered-in-error"}
AGE_BANDS = ((17, "0-17"), (34, "18-34"), (49, "35-49"), (64, "50-64"), (74, "65-74"), (84, "75-84"))


# --- FHIR time values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Time:
    """A FHIR date or dateTime: its local calendar date (a partial one's first day), its precision
    (`year`, `month`, `day`, `time`) and, with a time, the UTC instant (second 60 read as the last
    microsecond of that minute, so order and date are kept)."""

    text: str
    precision: str
    local_date: dt.date
    instant: dt.datetime | None

    @property
    def month(self) -> str:
        return self.local_date.strftime("%Y-%m")

    def start_instant(self) -> dt.datetime:
        """The first instant of the value, for ordering admissions: a date without a time as UTC midnight."""
        return self.instant or dt.datetime.combine(self.local_date, dt.time(), dt.UTC)


def parse_time(text: object, *, date_only: bool = False) -> Time | None:
    """The value of a FHIR `dateTime` (or `date` with `date_only`), or None when R4 does not allow it
    (wrong pattern, a day that does not exist such as 2023-02-29)."""
    if not isinstance(text, str) or not (DATE if date_only else DATE_TIME).fullmatch(text):
        return None
    parts = text[:10].split("-")
    try:
        local = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return None
    if len(text) <= 10:
        return Time(text, ("year", "month", "day")[len(parts) - 1], local, None)
    clock, zone = text[11:19], text[19:]
    hour, minute, second = (int(value) for value in clock.split(":"))
    fraction, offset = (zone.split("Z")[0], "Z") if zone.endswith("Z") else (zone[:-6], zone[-6:])
    micro = 999_999 if second == 60 else int((fraction[1:] + "000000")[:6]) if fraction else 0
    tz = (
        dt.UTC
        if offset == "Z"
        else dt.timezone((1 if offset[0] == "+" else -1) * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    )
    instant = dt.datetime(local.year, local.month, local.day, hour, minute, min(second, 59), micro, tz).astimezone(dt.UTC)
    return Time(text, "time", local, instant)


def _precision_key(value: Time, precision: str) -> tuple:
    date = value.local_date
    return {"year": (date.year,), "month": (date.year, date.month), "day": (date.year, date.month, date.day)}[precision]


def ends_before(end: Time, start: Time, rules: str) -> bool:
    """Whether `end` lies wholly before `start`. "readme": first day (or instant) against first day. "r4":
    two times compare as instants; otherwise at the coarser precision of the two, on local calendar
    values, so `2020` is not before `2020-06-15` and `2024-02-10` is not before `2024-02-10T10:00:00+01:00`."""
    if rules == "readme":
        return end.start_instant() < start.start_instant()
    if end.instant is not None and start.instant is not None:
        return end.instant < start.instant
    order = ("year", "month", "day", "time")
    coarser = min(end.precision, start.precision, key=order.index)
    coarser = "day" if coarser == "time" else coarser
    return _precision_key(end, coarser) < _precision_key(start, coarser)


# --- References and codes ----------------------------------------------------------------------------


def patient_id(reference: object) -> str | None:
    """The id a literal reference to a Patient names: `Patient/<id>`, `Patient/<id>/_history/<v>`,
    an absolute URL ending so, or `urn:uuid:<id>` (read as the expected type, as the README says).
    Ambiguity: a `urn:uuid:` reference whose target is not a Patient cannot be told apart here."""
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        return None
    text = reference["reference"]
    if text.startswith("urn:uuid:"):
        return text[len("urn:uuid:") :] or None
    parts = text.split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) >= 2 and parts[-2] == "Patient" and ID.fullmatch(parts[-1]):
        return parts[-1]
    return None


def first_code(concept: object) -> tuple[str | None, str | None, str | None] | None:
    """(system, code, display) of the first coding with both a system and a code.
    Ambiguity: the README does not say which coding wins when there are several; the first one does here."""
    codings = concept.get("coding") if isinstance(concept, dict) else None
    for coding in codings if isinstance(codings, list) else []:
        if isinstance(coding, dict) and coding.get("system") and coding.get("code"):
            return coding["system"], coding["code"], coding.get("display")
    return None


def status_code(concept: object) -> str | None:
    """The code of a status CodeableConcept (clinicalStatus, verificationStatus): its first coding's code."""
    codings = concept.get("coding") if isinstance(concept, dict) else None
    for coding in codings if isinstance(codings, list) else []:
        if isinstance(coding, dict) and coding.get("code"):
            return coding["code"]
    return None


# --- Reading files -----------------------------------------------------------------------------------

PIPELINE_TYPES = ("Patient", "Encounter", "Condition")


def resources_in(value: object, full_url: str | None = None) -> Iterator[dict]:
    """Every Patient, Encounter and Condition in a parsed file, Bundle entries (and nested Bundles)
    unwrapped; an entry's resource without an id takes it from a `urn:uuid:` fullUrl. `resourceType`
    is matched exactly, as R4's JSON format spells it (`patient` is no resource type)."""
    if not isinstance(value, dict):
        return
    kind = value.get("resourceType")
    if kind in PIPELINE_TYPES:
        if "id" not in value and isinstance(full_url, str) and full_url.startswith("urn:uuid:"):
            value = {**value, "id": full_url[len("urn:uuid:") :]}
        yield value
    elif kind == "Bundle":
        for entry in value.get("entry") or []:
            if isinstance(entry, dict):
                yield from resources_in(entry.get("resource"), entry.get("fullUrl"))


def load_resources(folder: Path | str) -> list[dict]:
    """The resources of every `.json` (one resource or Bundle) and `.ndjson` file under `folder`, in file order."""
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix == ".json":
            found.extend(resources_in(json.loads(path.read_text(encoding="utf-8-sig"))))
        elif path.suffix == ".ndjson":
            for line in path.read_text(encoding="utf-8-sig").splitlines():
                if line.strip():
                    found.extend(resources_in(json.loads(line)))
    return found


def latest_versions(resources: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """One resource per (type, id): the latest `meta.lastUpdated`, as Bronze and Silver keep it. A version
    without one is stamped with its ingestion time by Bronze, later than any real one, so it wins.
    Ambiguity: ties (equal times, or two versions without one) go to the larger SHA-256 of the sorted-key
    JSON; the README says "ties broken by record hash" without saying which way or the exact JSON form."""
    chosen: dict[tuple[str, str], tuple] = {}
    for resource in resources:
        key = (resource["resourceType"], resource.get("id"))
        if not isinstance(key[1], str) or not ID.fullmatch(key[1]):
            continue  # unkeyable: no record key, so it lands nowhere
        updated = parse_time((resource.get("meta") or {}).get("lastUpdated"))
        when = updated.instant if updated and updated.instant else dt.datetime.max.replace(tzinfo=dt.UTC)
        digest = hashlib.sha256(json.dumps(resource, sort_keys=True).encode()).hexdigest()
        if key not in chosen or (when, digest) > chosen[key][:2]:
            chosen[key] = (when, digest, resource)
    return {key: value[2] for key, value in chosen.items()}


# --- Silver: what lands, as the values Gold reads ----------------------------------------------------


@dataclass(frozen=True)
class Patient:
    id: str
    gender: str | None
    birth: Time | None
    death: Time | None
    deceased: bool


@dataclass(frozen=True)
class Encounter:
    id: str
    status: str
    class_code: str
    patient_id: str | None
    start: Time | None
    end: Time | None
    discharge_disposition: str | None


@dataclass(frozen=True)
class Condition:
    id: str
    code: tuple[str, str, str | None] | None
    clinical_status: str | None
    verification_status: str | None
    patient_id: str | None
    onset: Time | None
    abatement: Time | None


def silver_patient(resource: dict, rules: str, today: dt.date) -> Patient | str:
    """The patient as Silver keeps it, or the first quarantine reason (README reason codes).
    Ambiguity: `birth_date_in_future` is taken against `today` (the processing date; the README names no date)."""
    gender = resource.get("gender")
    if gender is not None and gender not in GENDERS:
        return "invalid_gender"
    birth = parse_time(resource["birthDate"], date_only=True) if "birthDate" in resource else None
    if "birthDate" in resource and birth is None:
        return "invalid_birth_date"
    if birth is not None and birth.local_date > today:
        return "birth_date_in_future"
    death = parse_time(resource["deceasedDateTime"]) if "deceasedDateTime" in resource else None
    if "deceasedDateTime" in resource and death is None:
        return "invalid_deceased_date"
    if birth is not None and death is not None and ends_before(death, birth, rules):
        return "deceased_before_birth"
    deceased = death is not None or resource.get("deceasedBoolean") is True
    return Patient(resource["id"], gender, birth, death, deceased)


def silver_encounter(resource: dict, rules: str) -> Encounter | str:
    status = resource.get("status")
    if status is None:
        return "missing_status"
    if status not in ENCOUNTER_STATUSES:
        return "invalid_status"
    klass = resource.get("class")
    if not isinstance(klass, dict) or not klass.get("code"):
        return "missing_class"
    subject = resource.get("subject")
    patient = patient_id(subject)
    if rules == "readme" and patient is None:
        return "missing_patient_reference" if not isinstance(subject, dict) or "reference" not in subject else "invalid_patient_reference"
    period = resource.get("period") or {}
    start = parse_time(period["start"]) if "start" in period else None
    end = parse_time(period["end"]) if "end" in period else None
    if ("start" in period and start is None) or ("end" in period and end is None):
        return "invalid_period"
    if start is not None and end is not None and ends_before(end, start, rules):
        return "period_end_before_start"
    hospitalization = resource.get("hospitalization") or {}
    disposition = first_code(hospitalization.get("dischargeDisposition"))
    disposition_code = disposition[1] if disposition else status_code(hospitalization.get("dischargeDisposition"))
    return Encounter(resource["id"], status, klass["code"], patient, start, end, disposition_code)


def silver_condition(resource: dict, rules: str) -> Condition | str:
    code = first_code(resource.get("code"))
    if rules == "readme" and code is None:
        return "missing_code"
    clinical = status_code(resource.get("clinicalStatus"))
    if "clinicalStatus" in resource and clinical not in CLINICAL_STATUSES:
        return "invalid_clinical_status"
    verification = status_code(resource.get("verificationStatus"))
    if "verificationStatus" in resource and verification not in VERIFICATION_STATUSES:
        return "invalid_verification_status"
    patient = patient_id(resource.get("subject"))
    if rules == "readme" and patient is None:
        return "missing_patient_reference" if not isinstance(resource.get("subject"), dict) else "invalid_patient_reference"
    # Ambiguity: onset and abatement are read from onsetDateTime / abatementDateTime only (Age, Period,
    # Range and string are "not known"), as Silver's onset_datetime and abatement_datetime columns suggest.
    onset = parse_time(resource["onsetDateTime"]) if "onsetDateTime" in resource else None
    if "onsetDateTime" in resource and onset is None:
        return "invalid_onset"
    abatement = parse_time(resource["abatementDateTime"]) if "abatementDateTime" in resource else None
    if "abatementDateTime" in resource and abatement is None:
        return "invalid_abatement"
    if onset is not None and abatement is not None and ends_before(abatement, onset, rules):
        return "abatement_before_onset"
    if "recordedDate" in resource and parse_time(resource["recordedDate"]) is None:
        return "invalid_recorded_date"
    return Condition(resource["id"], code, clinical, verification, patient, onset, abatement)


@dataclass
class Silver:
    patients: dict[str, Patient]
    encounters: list[Encounter]
    conditions: list[Condition]
    quarantined: Counter  # (resource type, reason) -> count


def silver(resources: Iterable[dict], rules: str = "r4", today: dt.date | None = None) -> Silver:
    """Latest version per id, validated as Silver does under `rules`; `today` is the processing date."""
    if rules not in RULES:
        raise ValueError(f"rules must be one of {RULES}, got {rules!r}.")
    today = today or dt.datetime.now(dt.UTC).date()
    result = Silver({}, [], [], Counter())
    for (kind, _), resource in sorted(latest_versions(resources).items()):
        if kind == "Patient":
            row = silver_patient(resource, rules, today)
        elif kind == "Encounter":
            row = silver_encounter(resource, rules)
        else:
            row = silver_condition(resource, rules)
        if isinstance(row, str):
            result.quarantined[(kind, row)] += 1
        elif isinstance(row, Patient):
            result.patients[row.id] = row
        elif isinstance(row, Encounter):
            result.encounters.append(row)
        else:
            result.conditions.append(row)
    return result


# --- Gold --------------------------------------------------------------------------------------------


def _round(value: Decimal, places: int) -> float:
    """Half up, as Spark's `round` (Ambiguity: the README says "2 decimals" / "4 decimals", not how)."""
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _held(encounter: Encounter) -> bool:
    return encounter.status not in NOT_HELD


def encounters_by_class_month(data: Silver) -> list[dict]:
    """Held encounters per class code and local start month; encounters without a start are left out."""
    counts = Counter((e.class_code, e.start.month) for e in data.encounters if _held(e) and e.start is not None)
    return [{"encounter_class": c, "period_month": m, "encounter_count": n, "computed_at": None} for (c, m), n in sorted(counts.items())]


def average_length_of_stay(data: Silver) -> list[dict]:
    """Finished inpatient encounters with a start and an end, per class and local discharge month.
    Ambiguity: a partial end ("2024-02") is its first day, so a stay can get a negative length."""
    stays: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in data.encounters:
        if e.status == "finished" and e.class_code in INPATIENT and e.start is not None and e.end is not None:
            stays[(e.class_code, e.end.month)].append((e.end.local_date - e.start.local_date).days)
    return [
        {
            "encounter_class": c,
            "discharge_month": m,
            "discharges": len(days),
            "total_length_of_stay_days": sum(days),
            "average_length_of_stay_days": _round(Decimal(sum(days)) / len(days), 2),
            "computed_at": None,
        }
        for (c, m), days in sorted(stays.items())
    ]


def _excluded(stay: Encounter, patient: Patient | None) -> bool:
    if stay.discharge_disposition in EXCLUDED_DISPOSITIONS:
        return True
    # deceasedBoolean alone says not when, so it excludes nothing.
    return patient is not None and patient.death is not None and patient.death.local_date <= stay.end.local_date


def stay_roles(stays: list[Encounter], patient: Patient | None) -> list[str]:
    """`index`, `readmission` or `none` for one patient's held inpatient stays with a start, sorted by
    start. Ambiguity: equal starts are ordered by id; a stay that starts before the open index's
    discharge (overlapping stays) is outside the window and may open a new one."""
    roles, index_end, readmitted = [], None, False
    for stay in stays:
        days = (stay.start.local_date - index_end).days if index_end is not None else None
        if days is not None and 0 <= days <= 30:
            roles.append("none" if readmitted else "readmission")
            readmitted = True
            continue
        if stay.status == "finished" and stay.end is not None and not _excluded(stay, patient):
            roles.append("index")
            index_end, readmitted = stay.end.local_date, False
        else:
            roles.append("none")
            if days is not None and days > 30:
                index_end = None
    return roles


def readmission_rate_30d(data: Silver, reference_date: dt.date) -> list[dict]:
    """30-day readmissions per local discharge month of the index admission, months whose window closed.
    Ambiguity: "finished stay with a discharge" is read as status `finished` and a `period.end`; a stay
    whose patient is not in Silver still counts (the README asks for a patient, not a Silver patient)."""
    by_patient: dict[str, list[Encounter]] = defaultdict(list)
    for e in data.encounters:
        if _held(e) and e.class_code in INPATIENT and e.start is not None and e.patient_id is not None:
            by_patient[e.patient_id].append(e)
    index, readmissions = Counter(), Counter()
    for pid, stays in by_patient.items():
        stays.sort(key=lambda e: (e.start.start_instant(), e.id))
        open_month = None
        for stay, role in zip(stays, stay_roles(stays, data.patients.get(pid)), strict=True):
            if role == "index":
                open_month = stay.end.month
                index[open_month] += 1
            elif role == "readmission":
                readmissions[open_month] += 1
    rows = []
    for month in sorted(index):
        year, number = (int(part) for part in month.split("-"))
        last_day = (dt.date(year + number // 12, number % 12 + 1, 1)) - dt.timedelta(days=1)
        if last_day + dt.timedelta(days=30) < reference_date:
            rate = _round(Decimal(readmissions[month]) / index[month], 4)
            rows.append(
                {
                    "discharge_month": month,
                    "index_admissions": index[month],
                    "readmissions_30d": readmissions[month],
                    "readmission_rate": rate,
                    "reference_date": reference_date,
                    "computed_at": None,
                }
            )
    return rows


def living(patient: Patient, reference_date: dt.date) -> bool:
    """Born by the reference date and not dead by then (a death date on or before it, or deceasedBoolean
    true). Ambiguity: a patient without birthDate is taken as born (the age band `unknown` exists)."""
    if patient.birth is not None and patient.birth.local_date > reference_date:
        return False
    if patient.death is not None:
        return patient.death.local_date > reference_date
    return not patient.deceased


def condition_prevalence(data: Silver, reference_date: dt.date) -> list[dict]:
    """Point prevalence among living patients. Ambiguity: only codes with at least one case get a row;
    `code_display` ignores conditions without a display (None when none has one)."""
    alive = {pid for pid, p in data.patients.items() if living(p, reference_date)}
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    displays: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in data.conditions:
        if c.code is None or c.patient_id not in alive or c.clinical_status not in ACTIVE or c.verification_status in NOT_CASES:
            continue
        if c.onset is not None and c.onset.local_date > reference_date:
            continue
        if c.abatement is not None and c.abatement.local_date <= reference_date:
            continue
        key = c.code[:2]
        cases[key].add(c.patient_id)
        if c.code[2] is not None:
            displays[key][c.code[2]] += 1
    rows = []
    for (system, code), patients in sorted(cases.items()):
        ranked = sorted(displays[(system, code)].items(), key=lambda item: (-item[1], item[0]))
        rows.append(
            {
                "code_system": system,
                "code": code,
                "code_display": ranked[0][0] if ranked else None,
                "patient_count": len(patients),
                "total_patients": len(alive),
                "prevalence": _round(Decimal(len(patients)) / len(alive), 4),
                "reference_date": reference_date,
                "computed_at": None,
            }
        )
    return rows


def age_band(birth: Time | None, on: dt.date) -> str:
    if birth is None:
        return "unknown"
    born = birth.local_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((band for limit, band in AGE_BANDS if age <= limit), "85+")


def patients_by_age_band_gender(data: Silver, reference_date: dt.date) -> list[dict]:
    """Living patients per age band on the reference date and gender. Ambiguity: a missing gender is None."""
    counts = Counter((age_band(p.birth, reference_date), p.gender) for p in data.patients.values() if living(p, reference_date))
    return [
        {"age_band": band, "gender": gender, "patient_count": n, "reference_date": reference_date, "computed_at": None}
        for (band, gender), n in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    ]


def gold_rows(resources: Iterable[dict], reference_date: dt.date, rules: str = "r4", today: dt.date | None = None) -> dict[str, list[dict]]:
    """The rows of every Gold table for these resources, by table name."""
    data = silver(resources, rules, today or reference_date)
    return {
        "encounters_by_class_month": encounters_by_class_month(data),
        "average_length_of_stay": average_length_of_stay(data),
        "readmission_rate_30d": readmission_rate_30d(data, reference_date),
        "condition_prevalence": condition_prevalence(data, reference_date),
        "patients_by_age_band_gender": patients_by_age_band_gender(data, reference_date),
    }
