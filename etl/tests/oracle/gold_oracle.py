"""A second, independent implementation of the Gold measures, for checking the jobs against.

Written from the definitions in words in `etl/README.md` (Bronze, "Silver", "Gold"), not from the job code,
in plain Python over FHIR R4 resources as dicts. It returns the rows each Gold table should hold, with the
columns of `metriccare_etl.schemas.GOLD_COLUMNS` (`computed_at` is None: a run's clock is not part of a
definition, so compare rows without it).

The README's rules follow R4 (its "Partial dates", "Leap seconds", "Subjects and references", "Codes" and
"Gender"): a partial date is a period, so an ordering check (death before birth, end before start,
abatement before onset) fails only when the two periods cannot overlap, and a date-only `Period.end`
includes its whole day; used as a date, a partial value is the first day of its period but never before
the value it follows; `subject` is Reference(Patient | Group), 0..1 on Encounter, and a subject without a
literal Patient reference keeps the row with its patient unknown; `Condition.code` is 0..1; second 60 is a
valid second (the last microsecond of second 59); an absent gender says nothing. (Until issue 27 the README
compared partial dates as their first days and needed a literal Patient and a coded code: a mode `rules=
"readme"` kept those rules beside the R4 ones; with the README following R4 there is one rule set.)

Resources that cannot be keyed (no id, an id outside R4's `[A-Za-z0-9\\-\\.]{1,64}`, an unreadable
`meta.lastUpdated`) and resource types not spelled as R4 spells them land nowhere. Every choice the README
leaves open is marked `Ambiguity:` below.
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

# R4 (4.0.1) regexes, from the StructureDefinitions of id, date and dateTime (datatypes.html). The README
# also reads a time without seconds (second 0) or without an offset (UTC), which R4 does not allow.
ID = re.compile(r"[A-Za-z0-9\-\.]{1,64}")
DATE = re.compile(r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?")
DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)(\.[0-9]+)?)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?)?)?"
)
OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")

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

    def start_instant(self) -> dt.datetime:
        """The first instant of the value, for ordering admissions: a date without a time as UTC midnight."""
        return self.instant or dt.datetime.combine(self.local_date, dt.time(), dt.UTC)


def parse_time(text: object, *, date_only: bool = False) -> Time | None:
    """The value of a FHIR `dateTime` (or `date` with `date_only`), or None when it is none (wrong
    pattern, a day that does not exist such as 2023-02-29)."""
    if not isinstance(text, str) or not (DATE if date_only else DATE_TIME).fullmatch(text):
        return None
    parts = text[:10].split("-")
    try:
        local = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return None
    if len(text) <= 10:
        return Time(text, ("year", "month", "day")[len(parts) - 1], local, None)
    clock = re.match(r"(\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?(.*)$", text[11:])
    hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
    fraction, zone = clock[4] or "", clock[5]
    micro = 999_999 if second == 60 else int((fraction[1:] + "000000")[:6]) if fraction else 0
    if zone in ("", "Z"):
        tz = dt.UTC
    else:
        tz = dt.timezone((1 if zone[0] == "+" else -1) * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    instant = dt.datetime(local.year, local.month, local.day, hour, minute, min(second, 59), micro, tz).astimezone(dt.UTC)
    return Time(text, "time", local, instant)


PRECISIONS = ("year", "month", "day", "time")


def _calendar_key(value: Time, precision: str) -> tuple:
    date = value.local_date
    return {"year": (date.year,), "month": (date.year, date.month), "day": (date.year, date.month, date.day)}[precision]


def ends_before(end: Time, start: Time) -> bool:
    """Whether `end` lies wholly before `start`: two times compare as instants; otherwise the two compare
    at the coarser precision of the two, on local calendar values, so `2020` is not before `2020-06-15` and
    `2024-02-10` is not before `2024-02-10T10:00:00+01:00`."""
    if end.instant is not None and start.instant is not None:
        return end.instant < start.instant
    coarser = min(end.precision, start.precision, key=PRECISIONS.index)
    coarser = "day" if coarser == "time" else coarser
    return _calendar_key(end, coarser) < _calendar_key(start, coarser)


def as_date(value: Time | None, follows: Time | None = None) -> dt.date | None:
    """A value used as a date: its first day, but never before the date of the value it follows."""
    if value is None:
        return None
    if follows is not None and follows.local_date > value.local_date:
        return follows.local_date
    return value.local_date


def to_the_day(value: Time | None) -> bool:
    return value is not None and value.precision in ("day", "time")


# --- References and codes ----------------------------------------------------------------------------

_HISTORY = r"(/_history/[^/]+)?"


def subject_patient(subject: object) -> tuple[str | None, str | None]:
    """(patient id, None) for a subject the README keeps (the id None when the patient is unknown), or
    (None, reason) when the README quarantines it. `missing_subject` is the caller's (Condition only).
    Forms read as a Patient: `Patient/<id>`, `Patient/<id>/_history/<v>`, an absolute URL ending so, and
    `urn:uuid:<id>` unless `type` names another type. Kept with the patient unknown: no `reference` (an
    identifier or a display), `Group/<id>` in the same forms, `#<id>`, `urn:oid:<oid>`."""
    reference = subject.get("reference") if isinstance(subject, dict) else None
    if not isinstance(reference, str) or not reference.strip():
        return None, None
    text, declared = reference.strip(), subject.get("type")
    uuid = re.fullmatch(rf"urn:uuid:({ID.pattern})", text)
    if uuid:
        return (uuid[1], None) if declared in (None, "Patient") else (None, None)
    for kind, patient in (("Patient", True), ("Group", False)):
        literal = re.fullmatch(rf"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]+/(?:.*/)?)?{kind}/({ID.pattern}){_HISTORY}", text)
        if literal:
            return (literal[1] if patient else None), None
    if re.fullmatch(rf"#{ID.pattern}", text) or OID.fullmatch(text):
        return None, None
    return None, "invalid_subject_reference"


def is_empty_subject(subject: object) -> bool:
    """No subject, or one with no reference, identifier or display."""
    if not isinstance(subject, dict):
        return True
    return not any(subject.get(name) for name in ("reference", "identifier", "display"))


def encounter_id(reference: object) -> tuple[str | None, bool]:
    """(id, valid) of a Condition's `encounter`: absent is valid; a reference must name an Encounter."""
    text = reference.get("reference") if isinstance(reference, dict) else None
    if not isinstance(text, str) or not text.strip():
        return None, True
    text = text.strip()
    uuid = re.fullmatch(rf"urn:uuid:({ID.pattern})", text)
    if uuid and reference.get("type") in (None, "Encounter"):
        return uuid[1], True
    literal = re.fullmatch(rf"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]+/(?:.*/)?)?Encounter/({ID.pattern}){_HISTORY}", text)
    return (literal[1], True) if literal else (None, False)


def condition_code(concept: object) -> tuple[str | None, str | None, str | None]:
    """(system, code, display) of `Condition.code` as the README's "Codes" reads it: the first coding with a
    code, preferring one with a system; the display is that coding's, else the concept's text."""
    if not isinstance(concept, dict):
        return None, None, None
    codings = [c for c in concept.get("coding") or [] if isinstance(c, dict) and c.get("code")]
    chosen = next((c for c in codings if c.get("system")), codings[0] if codings else {})
    return chosen.get("system") or None, chosen.get("code"), chosen.get("display") or concept.get("text") or None


def status_code(concept: object) -> str | None:
    """The code of a status CodeableConcept (clinicalStatus, verificationStatus, dischargeDisposition).
    Ambiguity: the README does not say which coding wins; the first coding with a code here."""
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


def record_hash(resource: dict) -> str:
    """SHA-256 of the README's canonical JSON: sorted keys, no whitespace, non-ASCII as itself, UTF-8."""
    return hashlib.sha256(json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def latest_versions(resources: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """One resource per (type, id): the latest `meta.lastUpdated`, ties to the greater record hash. A
    version without one is stamped with its ingestion time, later than any real one here (Ambiguity: a
    `lastUpdated` after the run's clock would win in the jobs). Unkeyable resources are left out."""
    chosen: dict[tuple[str, str], tuple] = {}
    for resource in resources:
        key = (resource["resourceType"], resource.get("id"))
        if not isinstance(key[1], str) or not ID.fullmatch(key[1]):
            continue
        meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
        if meta.get("lastUpdated") is None:
            when = dt.datetime.max.replace(tzinfo=dt.UTC)
        else:
            updated = parse_time(meta["lastUpdated"])
            if updated is None:
                continue  # quarantined by Bronze (invalid_last_updated)
            when = updated.start_instant()
        ranked = (when, record_hash(resource))
        if key not in chosen or ranked > chosen[key][:2]:
            chosen[key] = (*ranked, resource)
    return {key: value[2] for key, value in chosen.items()}


# --- Silver: what lands, as the values Gold reads ----------------------------------------------------


@dataclass(frozen=True)
class Patient:
    id: str
    gender: str | None
    birth: Time | None
    death_date: dt.date | None
    deceased: bool


@dataclass(frozen=True)
class Encounter:
    id: str
    status: str
    class_code: str
    patient_id: str | None
    start: Time | None
    end: Time | None
    discharge_date: dt.date | None  # the end used as a date: never before the start
    discharge_disposition: str | None


@dataclass(frozen=True)
class Condition:
    id: str
    code: tuple[str | None, str | None, str | None]
    clinical_status: str | None
    verification_status: str | None
    patient_id: str | None
    onset: Time | None
    abatement_date: dt.date | None  # never before the onset


def _time_element(resource: dict, date_time: str, period: str) -> tuple[bool, Time | None]:
    """(present, value) of `<x>DateTime` or `<x>Period.start`; present but None means invalid."""
    if date_time in resource:
        return True, parse_time(resource[date_time])
    start = (resource.get(period) or {}).get("start") if isinstance(resource.get(period), dict) else None
    return (start is not None), parse_time(start) if start is not None else None


def silver_patient(resource: dict, today: dt.date) -> Patient | str:
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
    if birth is not None and death is not None and ends_before(death, birth):
        return "deceased_before_birth"
    deceased = death is not None or resource.get("deceasedBoolean") is True
    return Patient(resource["id"], gender, birth, as_date(death, birth), deceased)


def silver_encounter(resource: dict) -> Encounter | str:
    status = resource.get("status")
    if status is None:
        return "missing_status"
    if status not in ENCOUNTER_STATUSES:
        return "invalid_status"
    klass = resource.get("class")
    if not isinstance(klass, dict) or not klass.get("code"):
        return "missing_class"
    patient, problem = subject_patient(resource.get("subject"))
    if problem:
        return problem
    period = resource.get("period") or {}
    start = parse_time(period["start"]) if "start" in period else None
    end = parse_time(period["end"]) if "end" in period else None
    if ("start" in period and start is None) or ("end" in period and end is None):
        return "invalid_period"
    if start is not None and end is not None and ends_before(end, start):
        return "period_end_before_start"
    disposition = status_code((resource.get("hospitalization") or {}).get("dischargeDisposition"))
    return Encounter(resource["id"], status, klass["code"], patient, start, end, as_date(end, start), disposition)


def silver_condition(resource: dict) -> Condition | str:
    clinical = status_code(resource.get("clinicalStatus"))
    if "clinicalStatus" in resource and clinical not in CLINICAL_STATUSES:
        return "invalid_clinical_status"
    verification = status_code(resource.get("verificationStatus"))
    if "verificationStatus" in resource and verification not in VERIFICATION_STATUSES:
        return "invalid_verification_status"
    if is_empty_subject(resource.get("subject")):
        return "missing_subject"
    patient, problem = subject_patient(resource.get("subject"))
    if problem:
        return problem
    if not encounter_id(resource.get("encounter"))[1]:
        return "invalid_encounter_reference"
    onset_present, onset = _time_element(resource, "onsetDateTime", "onsetPeriod")
    if onset_present and onset is None:
        return "invalid_onset"
    abatement_present, abatement = _time_element(resource, "abatementDateTime", "abatementPeriod")
    if abatement_present and abatement is None:
        return "invalid_abatement"
    if onset is not None and abatement is not None and ends_before(abatement, onset):
        return "abatement_before_onset"
    if "recordedDate" in resource and parse_time(resource["recordedDate"]) is None:
        return "invalid_recorded_date"
    code = condition_code(resource.get("code"))
    return Condition(resource["id"], code, clinical, verification, patient, onset, as_date(abatement, onset))


@dataclass
class Silver:
    patients: dict[str, Patient]
    encounters: list[Encounter]
    conditions: list[Condition]
    quarantined: Counter  # (resource type, reason) -> count


def silver(resources: Iterable[dict], today: dt.date | None = None) -> Silver:
    """Latest version per id, validated as the README's Silver does; `today` is the processing date."""
    today = today or dt.datetime.now(dt.UTC).date()
    result = Silver({}, [], [], Counter())
    for (kind, _), resource in sorted(latest_versions(resources).items()):
        if kind == "Patient":
            row = silver_patient(resource, today)
        elif kind == "Encounter":
            row = silver_encounter(resource)
        else:
            row = silver_condition(resource)
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


def _month(date: dt.date) -> str:
    return date.strftime("%Y-%m")


def encounters_by_class_month(data: Silver) -> list[dict]:
    """Held encounters per class code and local start month, whether or not their patient is known;
    encounters without a start are left out."""
    counts = Counter((e.class_code, _month(e.start.local_date)) for e in data.encounters if _held(e) and e.start is not None)
    return [{"encounter_class": c, "period_month": m, "encounter_count": n, "computed_at": None} for (c, m), n in sorted(counts.items())]


def average_length_of_stay(data: Silver) -> list[dict]:
    """Finished inpatient encounters whose start and end both name a day, whether or not their patient is
    known, per class and local discharge month."""
    stays: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in data.encounters:
        if e.status == "finished" and e.class_code in INPATIENT and to_the_day(e.start) and to_the_day(e.end):
            stays[(e.class_code, _month(e.discharge_date))].append((e.discharge_date - e.start.local_date).days)
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
    return patient is not None and patient.death_date is not None and patient.death_date <= stay.discharge_date


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
            index_end, readmitted = stay.discharge_date, False
        else:
            roles.append("none")
            if days is not None and days > 30:
                index_end = None
    return roles


def readmission_rate_30d(data: Silver, reference_date: dt.date) -> list[dict]:
    """30-day readmissions per local discharge month of the index admission, months whose window closed.
    Stays whose patient is unknown are left out: the measure follows each patient's stays.
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
                open_month = _month(stay.discharge_date)
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
    if patient.death_date is not None:
        return patient.death_date > reference_date
    return not patient.deceased


def condition_prevalence(data: Silver, reference_date: dt.date) -> list[dict]:
    """Point prevalence among living patients, per code system and code (conditions without both, or
    whose patient is unknown, count nowhere). Ambiguity: only codes with at least one case get a row;
    `code_display` ignores conditions without a display (None when none has one)."""
    alive = {pid for pid, p in data.patients.items() if living(p, reference_date)}
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    displays: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in data.conditions:
        system, code, display = c.code
        if not system or not code or c.patient_id not in alive:
            continue
        if c.clinical_status not in ACTIVE or c.verification_status in NOT_CASES:
            continue
        if c.onset is not None and c.onset.local_date > reference_date:
            continue
        if c.abatement_date is not None and c.abatement_date <= reference_date:
            continue
        cases[(system, code)].add(c.patient_id)
        if display is not None:
            displays[(system, code)][display] += 1
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
    """Living patients per age band on the reference date and gender; no gender stated counts as `unknown`."""
    counts = Counter(
        (age_band(p.birth, reference_date), p.gender or "unknown") for p in data.patients.values() if living(p, reference_date)
    )
    return [
        {"age_band": band, "gender": gender, "patient_count": n, "reference_date": reference_date, "computed_at": None}
        for (band, gender), n in sorted(counts.items())
    ]


def gold_rows(resources: Iterable[dict], reference_date: dt.date, today: dt.date | None = None) -> dict[str, list[dict]]:
    """The rows of every Gold table for these resources, by table name."""
    data = silver(resources, today or reference_date)
    return {
        "encounters_by_class_month": encounters_by_class_month(data),
        "average_length_of_stay": average_length_of_stay(data),
        "readmission_rate_30d": readmission_rate_30d(data, reference_date),
        "condition_prevalence": condition_prevalence(data, reference_date),
        "patients_by_age_band_gender": patients_by_age_band_gender(data, reference_date),
    }
