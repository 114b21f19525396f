"""``client explain``: the chain of rules and dates behind a client's eligibility, in en or lv."""

from __future__ import annotations

from datetime import date
from typing import Any

from mentorcli.core.dates import fmt_lv
from mentorcli.core.eligibility import Timeline, eligible_grant
from mentorcli.core.policy import GRANTABLE, PolicyHistory
from mentorcli.render.labels import label
from mentorcli.render.latvian import count
from mentorcli.render.screen import Screen, Section

RULE_EN = (
    "Rule (the policy in force; SIF): an asylum seeker may receive the service {asylum} "
    "{statuses} status is granted; after the grant, for {status_months} more months. Terms in "
    "months count from the day after the event and end on the corresponding date of the last month, "
    "or on its last day where it has no such date (Administrative Procedure Law, sections 42-43). "
    "Leaving Latvia, declining, not keeping the plan and a final refusal end the service."
)
RULE_LV = (
    "Noteikums (spēkā esošā politika; SIF): patvēruma meklētājs pakalpojumu var saņemt {asylum} "
    "{statuses} statusa piešķiršanai; pēc statusa iegūšanas vēl {status_months}. Termiņu mēnešos "
    "skaita no nākamās dienas pēc notikuma, un tas beidzas pēdējā mēneša "
    "atbilstošajā datumā vai, ja tāda nav, mēneša pēdējā dienā (Administratīvā procesa likuma 42.-43. "
    "pants). Pakalpojums beidzas, ja persona pamet Latviju, atsakās, nepilda plānu vai stājas spēkā "
    "galīgais atteikums."
)
# A status as the Latvian sentence needs it: "līdz bēgļa vai alternatīvā statusa piešķiršanai".
_LV_STATUS_GENITIVE = {"refugee": "bēgļa", "alternative": "alternatīvā", "temporary-protection": "pagaidu aizsardzības"}
MONTH_LV = ("mēnesi", "mēnešus")  # accusative: "var saņemt 3 mēnešus"


def rule_sentence(tl: Timeline, policies: PolicyHistory, today: date, lang: str) -> str:
    """The rule as it applies to this client: the asylum-seeker term in force on arrival, the
    eligible statuses and the status term in force on the grant (or today, before a grant)."""
    on_arrival = policies.on(tl.legal.arrival)
    grant = eligible_grant(tl.legal, policies)
    on_grant = policies.on(grant.date if grant else today)
    months, status_months = on_arrival.asylum_seeker_months, on_grant.status_months
    statuses = [s for s in GRANTABLE if s in on_grant.eligible_statuses]  # refugee first, as the seeds say
    if lang == "lv":
        asylum = f"{count(months, MONTH_LV)} no ierašanās vai līdz" if months is not None else "no ierašanās līdz"
        names = " vai ".join(_LV_STATUS_GENITIVE[s] for s in statuses)
        return RULE_LV.format(asylum=asylum, statuses=names, status_months=count(status_months, MONTH_LV))
    asylum = f"for {months} months from arrival or until" if months is not None else "from arrival until"
    return RULE_EN.format(asylum=asylum, statuses=" or ".join(statuses), status_months=status_months)


# Data words as a Latvian sentence needs them; English sentences use the CLI spelling.
_LV_WORDS = {
    "intake": "uzņemšana",
    "takeover": "pārņemšana",
    "resume": "atsākšana",
    "refugee": "bēgļa statuss",
    "alternative": "alternatīvais statuss",
    "temporary-protection": "pagaidu aizsardzība",
    "left-latvia": "izbrauca no Latvijas",
    "declined": "atteicās no pakalpojuma",
    "non-compliance": "nepilda plānu",
    "final-refusal": "galīgais atteikums",
    "other": "cits iemesls",
}

_WINDOW = {
    "en": {"asylum-seeker": "asylum-seeker", "status": "status"},
    "lv": {"asylum-seeker": "patvēruma meklētāja", "status": "statusa"},
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "arrival": "arrived in Latvia: the asylum-seeker window starts",
        "asylum-seeker-window": "asylum_seeker_months = {months} (policy in force on arrival, since {since})",
        "asylum-seeker-term-end": "{months} months from arrival end on the corresponding date: the last day of the asylum-seeker window",
        "asylum-seeker-ended-by-status-granted": "{status} status granted: the asylum-seeker window ends on the day of the decision",
        "asylum-seeker-ended-by-final-refusal": "the refusal became final: the asylum-seeker window ends, and no later window opens",
        "asylum-seeker-open": "asylum_seeker_months = until-status: the asylum-seeker window lasts until status is decided",
        "status-window": "{status} status granted: the status window runs {months} months, to {end} inclusive (status_months since {since})",
        "status-not-eligible": "{status} granted: the status changes, but it is not an eligible status under the policy in force: the asylum-seeker window goes on and no status window opens",
        "status-upgrade": "{status} status granted (after an appeal): the status changes; the status window still runs from the first grant on {since}",
        "windows-join": "the status came no later than the day after the asylum-seeker window: the windows join and an open episode runs on",
        "windows-gap": "days without eligibility from {gap_from}: an open episode ends with the asylum-seeker window; the service continues after 'client resume'",
        "episode-open": "{event}: a service episode opens in the {window} window",
        "episode-eligibility-ended": "the episode ends with its window (eligibility-ended)",
        "episode-earlier": "served by {provider} until {end}: an earlier provider's episode, history here (counted in none of this register's figures)",
        "episode-transferred": "exit (transferred): handed over to the next provider; the episode ends, the eligibility does not",
        "window-cut": "exit ({reason}): the {window} window ends on this day; a resume is possible only in a later window",
        "window-dropped": "{reason} ends all later eligibility: the {window} window no longer applies",
        "eligible-until": "eligible until {day} (the last day, inclusive)",
        "eligible-until-open": "eligible until a status decision (no end date yet)",
    },
    "lv": {
        "arrival": "ieradās Latvijā: sākas patvēruma meklētāja periods",
        "asylum-seeker-window": "asylum_seeker_months = {months} (politika, kas bija spēkā ierašanās dienā, kopš {since})",
        "asylum-seeker-term-end": "{months} mēneši no ierašanās beidzas atbilstošajā datumā: patvēruma meklētāja perioda pēdējā diena",
        "asylum-seeker-ended-by-status-granted": "lēmums par statusu ({status}): patvēruma meklētāja periods beidzas lēmuma dienā",
        "asylum-seeker-ended-by-final-refusal": "atteikums kļuvis galīgs: patvēruma meklētāja periods beidzas, vēlāka perioda nav",
        "asylum-seeker-open": "asylum_seeker_months = until-status: patvēruma meklētāja periods ilgst līdz lēmumam par statusu",
        "status-window": "lēmums par statusu ({status}): statusa periods ilgst {months} mēnešus, līdz {end} ieskaitot (status_months kopš {since})",
        "status-not-eligible": "piešķirta {status}: statuss mainās, bet saskaņā ar politiku tas nedod tiesības uz pakalpojumu: patvēruma meklētāja periods turpinās, statusa periods nesākas",
        "status-upgrade": "piešķirts {status} (pēc pārsūdzības): statuss mainās; statusa periods joprojām skaitāms no pirmā lēmuma {since}",
        "windows-join": "statuss piešķirts ne vēlāk kā nākamajā dienā pēc patvēruma meklētāja perioda: periodi savienojas, epizode turpinās",
        "windows-gap": "no {gap_from} tiesību nav: epizode beidzas ar patvēruma meklētāja periodu; pakalpojums turpinās pēc 'client resume'",
        "episode-open": "{event}: sākas pakalpojuma epizode ({window} periodā)",
        "episode-eligibility-ended": "epizode beidzas kopā ar periodu (eligibility-ended)",
        "episode-earlier": "pakalpojumu sniedza {provider} līdz {end}: iepriekšējā sniedzēja epizode, šeit tikai vēsture (netiek skaitīta šī reģistra rādītājos)",
        "episode-transferred": "izbeigšana (transferred): nodots nākamajam pakalpojuma sniedzējam; epizode beidzas, tiesības ne",
        "window-cut": "izbeigšana ({reason}): {window} periods beidzas šajā dienā; atsākt var tikai vēlākā periodā",
        "window-dropped": "{reason} izbeidz visas vēlākās tiesības: {window} periods vairs nav spēkā",
        "eligible-until": "tiesības līdz {day} (pēdējā diena ieskaitot)",
        "eligible-until-open": "tiesības līdz lēmumam par statusu (beigu datuma vēl nav)",
    },
}


def _fmt(value: Any, lang: str) -> Any:
    if isinstance(value, date):
        return fmt_lv(value) if value.year > 1900 else ("the start" if lang == "en" else "sākuma")
    if value is None:
        return "until-status"
    if not isinstance(value, str):
        return value
    if value in _WINDOW[lang]:
        return _WINDOW[lang][value]
    return _LV_WORDS.get(value, value) if lang == "lv" else value


def explain_steps(tl: Timeline, lang: str) -> list[dict[str, Any]]:
    """The chain in date order: each step's day, rule and sentence; the conclusion last."""
    texts = TEXTS[lang]
    out = []
    for step in sorted(tl.steps, key=lambda s: (s.rule == "eligible-until", s.day)):
        rule = step.rule
        if rule == "eligible-until" and step.params.get("open"):
            rule = "eligible-until-open"
        params = {k: _fmt(v, lang) for k, v in step.params.items()}
        out.append({"date": step.day, "rule": rule, "text": texts[rule].format(day=fmt_lv(step.day), **params)})
    return out


def explain_lines(code: str, tl: Timeline, policies: PolicyHistory, today: date, lang: str) -> list[str]:
    lines = [f"{code}", rule_sentence(tl, policies, today, lang), ""]
    lines += [f"{fmt_lv(s['date'])}  {s['text']}" for s in explain_steps(tl, lang)]
    lines.append("")
    lines.append(("šodien" if lang == "lv" else "today") + f" {fmt_lv(today)}")
    return lines


def explain_screen(code: str, tl: Timeline, policies: PolicyHistory, today: date, lang: str) -> Screen:
    """The same chain for Markdown: the rule, then the steps as a table of day and sentence."""
    steps = [[fmt_lv(s["date"]), s["text"]] for s in explain_steps(tl, lang)]
    today_line = ("šodien" if lang == "lv" else "today") + f" {fmt_lv(today)}"
    headers = [label("date", lang), label("h:step", lang)]
    return Screen(
        code, [Section("", steps, headers)], notes=[today_line], lead=[rule_sentence(tl, policies, today, lang)]
    )
