#!/usr/bin/env python3
"""A realistic synthetic partnership repository, in cspkit's own format, at a county's scale.

    python benchmarks/generate.py [--size county|stress] [--out DIR] [--seed N]

``county`` (the default) is about ten years of a busy county board and its sub-groups: 400
meetings with full minutes (15-25 present, 10-14 agenda items with papers, minute items of
3-8 points with decisions), 3,000 actions with their histories, 1,500 partner updates, ten
PSA years, a forward programme and a performance file per financial year. ``stress`` is
five times that (2,000 meetings over twenty years). The output is deterministic for a seed
and validates clean with ``cspkit validate``: every person is active on the dates they
attend, actions are raised at held meetings under items that exist, histories are in date
order and agree with each action's status and owners, and so on.

Files are written with libyaml's emitter (``yaml.CSafeDumper``), one per record, each with
the ``# yaml-language-server`` line cspkit writes and one trailing newline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import time
from pathlib import Path

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]


class Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """libyaml's emitter; a value used twice is written twice (records refuse anchors)."""

    def ignore_aliases(self, data) -> bool:
        return True

SIZES = {
    # meetings, actions, partner updates, first year, years of history, people, organisations
    "county": dict(meetings=400, actions=3000, updates=1500, start_year=2015, years=10, people=420, orgs=48),
    "stress": dict(meetings=2000, actions=15000, updates=7500, start_year=2005, years=20, people=1500, orgs=96),
}
#: Meetings at the end of the calendar that have not happened yet (agenda, no minutes).
SCHEDULED = 4

# --------------------------------------------------------------------------- vocabulary

FIRST = ["Aisha", "Alan", "Alison", "Amanda", "Amrit", "Andrew", "Angela", "Anita", "Ann", "Anthony", "Ashok", "Barbara", "Ben", "Bernard", "Beverley", "Bob", "Carl", "Carly", "Caroline", "Catherine", "Chris", "Christine", "Claire", "Colin", "Craig", "Dalbir", "Daniel", "Darren", "David", "Dawn", "Deborah", "Dean", "Diane", "Donna", "Duncan", "Elaine", "Eleanor", "Emma", "Euan", "Fiona", "Gareth", "Gary", "Gemma", "Geoff", "Gillian", "Graham", "Gurjit", "Hannah", "Harjit", "Helen", "Ian", "Imran", "Jackie", "Jade", "James", "Jamie", "Jane", "Janet", "Jason", "Jennifer", "Jo", "John", "Jonathan", "Joshna", "Julie", "Karen", "Kate", "Kelly", "Kevin", "Kirsty", "Lee", "Leon", "Lesley", "Linda", "Lindsey", "Lisa", "Liz", "Louise", "Lucy", "Maddie", "Mandeep", "Mark", "Martin", "Matthew", "Michael", "Michelle", "Mohammed", "Naomi", "Neil", "Nicola", "Nigel", "Paul", "Pauline", "Peter", "Philip", "Priya", "Rachel", "Rajesh", "Rani", "Rebecca", "Richard", "Rik", "Rob", "Sajan", "Sally", "Samantha", "Sandra", "Sarah", "Sharon", "Simon", "Siobhan", "Stephen", "Steve", "Stuart", "Susan", "Tim", "Tina", "Tom", "Tony", "Tracey", "Victoria", "Wendy", "Zoe"]
LAST = ["Adams", "Ahmed", "Allen", "Ardley", "Ashford", "Atkins", "Bailey", "Baker", "Bannister", "Basra", "Bearne", "Bee", "Bell", "Bennett", "Blackshaw", "Bond", "Brown", "Burgess", "Butler", "Carter", "Chavda", "Clarke", "Clay", "Cooke", "Cooper", "Cox", "Cumbers", "Dales", "Davies", "Devshi", "Dixon", "Edwards", "Evans", "Fisher", "Foster", "Gill", "Green", "Griffiths", "Hajat", "Hall", "Harris", "Harvey", "Heath", "Hewitt", "Hill", "Hope", "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "King", "Kitson", "Lewis", "Loydall", "Madeley", "Mahal", "Mansfield", "Marshall", "Martin", "Mavji", "McCabe", "Mistry", "Moore", "Morgan", "Morris", "Murphy", "Osborne", "Owen", "Parker", "Patel", "Perry", "Phillimore", "Pickering", "Price", "Richards", "Roberts", "Robinson", "Rogers", "Russell", "Samra", "Scott", "Shah", "Simpson", "Singh", "Singleton", "Smith", "Starbuck", "Stokes", "Streets", "Strong", "Stubbs", "Taylor", "Thomas", "Thompson", "Turner", "Vassallo", "Walker", "Walters", "Ward", "Watson", "White", "Wilkinson", "Williams", "Wilson", "Wise", "Woodiwiss", "Wright", "Young"]
TITLES = [None, None, None, None, "Cllr.", "Inspector", "Superintendent", "Chief Inspector", "Dr", "Sergeant"]

ORGS = [
    ("county-council", "Shire County Council", "SCC", True),
    ("city-council", "Shire City Council", "City Council", True),
    ("north-district", "North Shire District Council", "NSDC", True),
    ("south-district", "South Shire District Council", "SSDC", True),
    ("east-borough", "East Shire Borough Council", "ESBC", True),
    ("west-borough", "West Shire Borough Council", "WSBC", True),
    ("vale-district", "Vale District Council", "Vale DC", True),
    ("forest-district", "Forest District Council", "Forest DC", True),
    ("market-town", "Market Town Borough Council", "MTBC", True),
    ("rutshire", "Rutshire County Council", "RCC", True),
    ("police", "Shire Police", "Police", True),
    ("opcc", "Office of the Police and Crime Commissioner", "OPCC", False),
    ("fire", "Shire Fire and Rescue Service", "SFRS", True),
    ("probation", "Probation Service", "Probation", True),
    ("icb", "Shire Integrated Care Board", "ICB", True),
    ("public-health", "Public Health, Shire County Council", "Public Health", False),
    ("youth-justice", "Youth Justice Service", "YJS", False),
    ("vrn", "Violence Reduction Network", "VRN", False),
    ("turning-point", "Turning Point", None, False),
    ("womens-aid", "Shire Women's Aid", None, False),
    ("victim-first", "Victim First", None, False),
    ("crimestoppers", "Crimestoppers", None, False),
    ("neighbourhood-watch", "Neighbourhood Watch Association", "NWA", False),
    ("trading-standards", "Trading Standards", None, False),
    ("btp", "British Transport Police", "BTP", False),
    ("hmp-fosse", "HMP Fosse", None, False),
    ("dwp", "Department for Work and Pensions", "DWP", False),
    ("highways", "Highways Authority", None, False),
    ("road-safety", "Shire Road Safety Partnership", "RSP", False),
    ("university", "Shire University", None, False),
    ("college", "Shire College", None, False),
    ("bid", "Town Centre Business Improvement District", "BID", False),
    ("housing-trust", "Shire Housing Trust", None, False),
    ("homes-partnership", "Homes Partnership", None, False),
    ("ambulance", "East Shire Ambulance Service", "EMAS", False),
    ("mental-health", "Shire Partnership NHS Trust", "LPT", False),
    ("prevent", "Prevent – East Shires", None, False),
    ("environment-agency", "Environment Agency", "EA", False),
    ("rail", "Network Rail", None, False),
    ("voluntary-action", "Voluntary Action Shire", "VAS", False),
    ("faith-forum", "Shire Faith Forum", None, False),
    ("youth-council", "Shire Youth Council", None, False),
    ("citizens-advice", "Citizens Advice Shire", "CAS", False),
    ("shelter", "Shire Shelter", None, False),
    ("recovery-hub", "Shire Recovery Hub", None, False),
    ("hate-crime", "Stop Hate Shire", None, False),
    ("safer-roads", "Safer Roads Shire", None, False),
    ("community-trust", "Shire Community Foundation", None, False),
]
ROLES = ["Community Safety Officer", "Head of Community Safety", "Service Manager – Safer Communities",
         "Neighbourhood Policing Area Commander", "Station Manager", "Head of Service", "Partnership Manager",
         "Anti-social Behaviour Co-ordinator", "Performance and Assurance Officer", "Director of Strategy",
         "Lead Member for Communities", "Domestic Abuse Co-ordinator", "Prevent Co-ordinator", "Senior Analyst",
         "Team Leader", "Commissioning Manager", "Licensing Manager", "Democratic Services Officer"]

PRIORITY_TITLES = [
    "Reduce crime and anti-social behaviour in town centres",
    "Protect vulnerable people from exploitation and abuse",
    "Reduce harm caused by drugs and alcohol",
    "Prevent violence, including domestic and sexual violence",
    "Build confident, cohesive and resilient communities",
    "Reduce reoffending by working with those who cause most harm",
    "Make roads and public spaces safer",
]
THEMES = ["Making communities safer", "Protecting vulnerable people", "Building confidence and cohesion"]

TOPICS = [
    ("Anti-social behaviour update", "asb"), ("Domestic abuse and sexual violence", "domestic-abuse"),
    ("Serious violence duty", "serious-violence"), ("Modern slavery and exploitation", "modern-slavery"),
    ("Prevent update", "prevent"), ("Hate crime", "hate-crime"), ("Road safety", "road-safety"),
    ("Youth justice performance", "youth-justice"), ("Substance misuse treatment", "substance-misuse"),
    ("Community Trigger review", "community-trigger"), ("Safer Streets funding", "safer-streets"),
    ("Night-time economy", "night-time-economy"), ("Rural crime", "rural-crime"),
    ("Fire safety and deliberate fires", "fire-safety"), ("Probation service update", "probation"),
    ("Knife crime", "knife-crime"), ("Retail crime and shoplifting", "retail-crime"),
    ("Cyber crime and fraud", "fraud"), ("Domestic homicide reviews", "dhr"),
    ("Hoarding and vulnerability", "hoarding"), ("Town centre CCTV", "cctv"),
    ("Public Spaces Protection Orders", "pspo"), ("Reducing reoffending", "reoffending"),
    ("Water safety", "water-safety"), ("Student safety", "student-safety"),
]
METRICS = ["total crime", "residential burglary", "shoplifting", "violence with injury", "criminal damage",
           "vehicle crime", "reports of anti-social behaviour", "deliberate secondary fires", "hate incidents",
           "repeat domestic abuse referrals", "first-time entrants to the youth justice system", "cycle theft",
           "robbery", "drug possession offences", "road traffic collisions"]
WHO = ["The Police", "The Fire Service", "The County Council", "Officers", "The OPCC", "Probation",
       "The Community Safety Team", "Members", "The Chair", "Partners", "The Youth Justice Service", "Public Health"]
DID = ["had extended", "would review", "were piloting", "had completed", "were consulting on", "had commissioned",
       "would report back on", "had agreed to fund", "were mapping", "had strengthened"]
THINGS = ["the multi-agency problem-solving approach", "targeted patrols in the town centre", "the ASB case review process",
          "the domestic abuse champions network", "the early intervention offer for young people",
          "the revised information-sharing agreement", "the joint action group's tasking", "the hotspot policing plan",
          "home safety checks for vulnerable residents", "the Safer Streets lighting scheme",
          "the drug and alcohol treatment pathway", "the licensing review of late-night venues",
          "training for frontline staff on exploitation", "the new case management system",
          "the communications campaign on scams", "the knife amnesty bins", "the community reassurance visits"]
WHERE = ["in the town centre", "across the county", "in the north of the district", "around the university",
         "on the main estates", "in rural villages", "along the canal", "near the bus station", "in the market town",
         "in the three priority wards"]
REASONS = ["which partners put down partly to the cost of living", "reflecting better recording rather than more offences",
           "although numbers were small and could vary from quarter to quarter",
           "following targeted work by the neighbourhood teams", "in line with the regional trend",
           "which would be looked at by the analysts before the next meeting"]
ASKS = ["Members asked for a breakdown by ward at the next meeting.",
        "The Chair thanked officers for a clear report.",
        "It was noted that funding beyond March was not yet confirmed.",
        "Partners were asked to share the briefing with their teams.",
        "A member asked how the work would be evaluated; an outcomes framework was being drafted.",
        "Concern was expressed about the capacity of the voluntary sector to absorb further referrals.",
        "The Board welcomed the progress and asked to be kept informed."]
DECISIONS = ["the report be noted", "the contents of the presentation be noted",
             "the update be received", "the recommendations in the report be endorsed",
             "the Board continues to monitor progress through the performance framework"]
ACTION_VERBS = ["Circulate", "Provide an update on", "Bring a report on", "Arrange a briefing on", "Share data on",
                "Review", "Contact the lead officer about", "Confirm funding for", "Set up a task and finish group on"]
NOTES = ["Update given at the meeting; work is continuing.", "Briefing circulated to members by email.",
         "Report taken at the meeting.", "Data shared with partners; further analysis requested.",
         "Delayed because of staff changes; a new date has been agreed.",
         "Task and finish group met twice; recommendations to follow.", "Funding confirmed for the year.",
         "Superseded by the new delivery plan.", "Discussed at the joint action group."]


class Text:
    """Plain English sentences about community safety, drawn from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def metric_sentence(self) -> str:
        r = self.rng
        moved = r.choice(["risen", "fallen"])
        return (f"Compared with the same period last year, {self.pick(METRICS)} had {moved} by "
                f"{r.randint(1, 40)}.{r.randint(0, 9)}% {self.pick(WHERE)}, {self.pick(REASONS)}.")

    def work_sentence(self) -> str:
        return f"{self.pick(WHO)} {self.pick(DID)} {self.pick(THINGS)} {self.pick(WHERE)}."

    def point(self) -> str:
        r = self.rng
        parts = [self.metric_sentence() if r.random() < 0.45 else self.work_sentence()]
        if r.random() < 0.6:
            parts.append(self.work_sentence())
        if r.random() < 0.35:
            parts.append(self.pick(ASKS))
        return " ".join(parts)

    def paragraph(self, n: int = 3) -> str:
        return " ".join(self.point() for _ in range(n))

    def bullets(self, n: int) -> str:
        return "\n".join(f"- {self.point()}" for _ in range(n))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- the world


class World:
    """Everything generated, as plain dicts ready to dump."""

    def __init__(self, size: str, seed: int):
        self.p = SIZES[size]
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.start = dt.date(self.p["start_year"], 1, 5)
        self.end = dt.date(self.p["start_year"] + self.p["years"] - 1, 12, 20)

    # ------------------------------------------------------------------ registries
    def organisations(self) -> list[dict]:
        orgs = [dict(id=o, name=n, short_name=s, statutory=st) for o, n, s, st in ORGS]
        i = 0
        while len(orgs) < self.p["orgs"]:
            i += 1
            base = ORGS[i % len(ORGS)]
            orgs.append(dict(id=f"{base[0]}-{i}", name=f"{base[1]} (area {i})", short_name=None, statutory=False))
        self.orgs = orgs[: self.p["orgs"]]
        self.org_ids = [o["id"] for o in self.orgs]
        return self.orgs

    def people(self) -> list[dict]:
        r = self.rng
        people, seen = [], set()
        span_days = (self.end - self.start).days
        while len(people) < self.p["people"]:
            first, last = r.choice(FIRST), r.choice(LAST)
            pid = slugify(f"{first} {last}")
            if pid in seen:
                pid = slugify(f"{first} {last} {len(people)}")
            seen.add(pid)
            p = dict(id=pid, name=f"{first} {last}", title=r.choice(TITLES),
                     organisation=r.choice(self.org_ids[:20] if r.random() < 0.8 else self.org_ids),
                     role=r.choice(ROLES), member=r.random() < 0.3, active_from=None, active_to=None)
            if r.random() < 0.15:
                p["aliases"] = [f"{first[0]}. {last}"]
            if r.random() < 0.4:  # joined, or left, during the period
                a = self.start + dt.timedelta(days=r.randint(0, span_days - 365))
                p["active_from"] = a
                if r.random() < 0.6:
                    p["active_to"] = min(a + dt.timedelta(days=r.randint(700, 2500)), self.end + dt.timedelta(days=400))
            people.append(p)
        self.persons = people
        # A few people who are always there: the chairs, the clerk, the plan leads.
        for p in people[:12]:
            p["active_from"] = p["active_to"] = None
            p["member"] = True
        self.clerk = people[0]["id"]
        return people

    def active(self, day: dt.date) -> list[dict]:
        return [p for p in self.persons if (p["active_from"] is None or p["active_from"] <= day)
                and (p["active_to"] is None or day <= p["active_to"])]

    # ------------------------------------------------------------------ calendar and plans
    def calendar(self) -> None:
        r = self.rng
        days = []
        d = self.start
        while d <= self.end:
            if d.weekday() < 5:
                days.append(d)
            d += dt.timedelta(days=1)
        self.dates = sorted(r.sample(days, self.p["meetings"]))
        n = len(self.dates)
        self.status = {}
        for i, day in enumerate(self.dates):
            if i >= n - SCHEDULED:
                self.status[day] = "scheduled"
            elif 0 < i < n - SCHEDULED - 2 and r.random() < 0.015:
                self.status[day] = "cancelled"
            else:
                self.status[day] = "held"
        self.held = [d for d in self.dates if self.status[d] == "held"]
        self.live = [d for d in self.dates if self.status[d] != "cancelled"]

    def next_live(self, day: dt.date) -> dt.date | None:
        return next((d for d in self.live if d > day), None)

    def plans(self) -> list[dict]:
        plans = []
        year = self.p["start_year"] - 1
        number = 0
        while dt.date(year, 4, 1) <= self.end + dt.timedelta(days=800):
            number += 1
            titles = self.rng.sample(PRIORITY_TITLES, 5)
            themed = number % 2 == 0
            plan = dict(id=f"{year}-{(year + 3) % 100:02d}",
                        title=f"Community Safety Agreement {year}-{(year + 3) % 100:02d}",
                        starts=dt.date(year, 4, 1), ends=dt.date(year + 3, 3, 31))
            if themed:
                plan["themes"] = [dict(number=i + 1, title=t) for i, t in enumerate(THEMES)]
            plan["priorities"] = [
                dict(number=i + 1, title=t, leads=[self.persons[1 + (i + number) % 10]["id"]],
                     **({"theme": 1 + i % 3} if themed else {}))
                for i, t in enumerate(titles)
            ]
            plans.append(plan)
            year += 3
        self.plan_list = plans
        return plans

    def plan_for(self, day: dt.date) -> dict:
        return [p for p in self.plan_list if p["starts"] <= day][-1]

    # ------------------------------------------------------------------ meetings
    def build_meetings(self) -> None:
        """Agenda, attendance and minutes of every meeting; actions are raised from decisions."""
        r = self.rng
        self.meetings: dict[dt.date, dict] = {}
        self.actions: dict[dt.date, list[dict]] = {}
        self.docs: dict[str, str] = {}
        self.update_plan = self._plan_updates()
        held_index = {d: i for i, d in enumerate(self.held)}
        per_meeting = self._spread(self.p["actions"], len(self.held))
        minute_number = 0
        action_number = 0
        chair_by_year: dict[int, str] = {}
        for day in self.dates:
            status = self.status[day]
            pool = self.active(day)
            m: dict = {"date": day, "status": status, "start": r.choice(["10:00", "14:00", "09:30"])}
            m["venue"] = r.choice(["Committee Room 1, County Hall", "Microsoft Teams", "Council Chamber, Town Hall"])
            m["mode"] = "online" if m["venue"] == "Microsoft Teams" else r.choice(["in-person", "hybrid"])
            chair = chair_by_year.setdefault(day.year, self.persons[1 + day.year % 5]["id"])
            agenda = self._agenda(day, pool)
            m["agenda"] = agenda
            if status == "cancelled":
                m["note"] = "Cancelled: too few members could attend to be quorate."
            if status == "held":
                m["chair"] = chair
                m["attendance"] = self._attendance(day, pool, chair)
                present = [a["person"] for a in m["attendance"]["present"]]
                officers = [a["person"] for a in m["attendance"].get("officers", [])]
                items, minute_number, action_number = self._minutes(
                    day, agenda, present + officers, per_meeting[held_index[day]], minute_number, action_number)
                nxt = self.next_live(day)
                minutes: dict = {"state": "approved" if nxt and nxt in self.held else "circulated"}
                if minutes["state"] == "approved":
                    minutes["approved_at"] = nxt
                minutes["ended"] = "12:00" if m["start"] != "14:00" else "16:00"
                minutes["items"] = items
                m["minutes"] = minutes
            self.meetings[day] = m

    @staticmethod
    def _spread(total: int, n: int) -> list[int]:
        base, extra = divmod(total, n)
        return [base + (1 if i < extra else 0) for i in range(n)]

    def _plan_updates(self) -> dict[dt.date, list[str]]:
        """Which organisations send an update report to which meeting (about the total asked for)."""
        per = self._spread(self.p["updates"], len(self.live))
        senders = self.org_ids[:24]
        out = {}
        for day, n in zip(self.live, per, strict=True):
            out[day] = sorted(self.rng.sample(senders, min(n, len(senders))))
        return out

    def _attendance(self, day: dt.date, pool: list[dict], chair: str) -> dict:
        r = self.rng
        ids = [p["id"] for p in pool if p["id"] != chair]
        k = r.randint(15, 25)
        chosen = r.sample(ids, min(len(ids), k - 1 + r.randint(3, 8) + r.randint(2, 6)))
        present_ids = chosen[: k - 1]
        officer_ids = chosen[k - 1: k - 1 + r.randint(3, 8)]
        apology_ids = chosen[k - 1 + len(officer_ids):]
        present = [{"person": chair, "role": "chair"}]
        for j, pid in enumerate(present_ids):
            a = {"person": pid}
            if j == 0:
                a["role"] = "vice-chair"
            elif r.random() < 0.2:
                a["capacity"] = f"{r.choice(ROLES)}, {r.choice(ORGS)[1]}"
            if r.random() < 0.1:
                a["remote"] = True
            present.append(a)
        officers = [{"person": pid} for pid in officer_ids]
        if officers:
            officers[-1]["role"] = "minutes"
        return {"present": present, "officers": officers, "apologies": [{"person": pid} for pid in apology_ids]}

    def _agenda(self, day: dt.date, pool: list[dict]) -> list[dict]:
        r = self.rng
        plan = self.plan_for(day)
        updates = self.update_plan.get(day, [])
        attached = updates[: r.randint(0, min(2, len(updates)))]
        items: list[dict] = [
            {"number": 1, "title": "Introductions and apologies", "key": "apologies", "leads": ["chair"],
             "kind": "procedural"},
            {"number": 2, "title": "Minutes of the previous meeting", "key": "minutes", "leads": ["chair"],
             "purpose": "To approve the minutes of the previous meeting", "kind": "procedural",
             "papers": [{"kind": "previous-minutes"}]},
            {"number": 3, "title": "Action Log", "key": "action-log", "leads": ["chair"],
             "purpose": "To review actions from the previous meeting", "kind": "standing",
             "papers": [{"kind": "action-log"}]},
            {"number": 4, "title": "Declarations of interest", "kind": "procedural"},
        ]
        n_items = r.randint(10, 14)
        n_topics = n_items - len(items) - 4
        ids = [p["id"] for p in pool]
        for topic, key in r.sample(TOPICS, n_topics):
            lead = r.choice(ids)
            item = {"number": len(items) + 1, "title": topic, "leads": [lead],
                    "purpose": f"To receive an update on {topic.lower()}",
                    "kind": r.choice(["report", "report", "presentation", "verbal"])}
            if item["kind"] != "verbal":
                if attached and r.random() < 0.5:
                    org = attached.pop()
                    item["papers"] = [{"kind": "partner-update", "organisation": org}]
                else:
                    source = f"papers/{day.isoformat()}/{key}.md"
                    item["papers"] = [{"kind": "document", "title": f"{topic}: report to the meeting of {day:%d %B %Y}",
                                       "source": source, "author": lead}]
                    self.docs[source] = self._document(topic)
            if r.random() < 0.25:
                item["programme_item"] = r.choice(self.programme_ids)
            items.append(item)
        for org in attached:  # partner updates not yet placed under an item get one of their own
            items.append({"number": len(items) + 1, "title": f"Update from {self._org_name(org)}", "kind": "report",
                          "papers": [{"kind": "partner-update", "organisation": org}]})
        items.append({"number": len(items) + 1, "title": "Plan priorities update", "key": "plan-update",
                      "kind": "standing",
                      "sub_items": [{"number": f"{len(items) + 1}{chr(97 + j)}", "title": pr["title"],
                                     "priority": pr["number"], "leads": pr["leads"]}
                                    for j, pr in enumerate(plan["priorities"])]})
        items.append({"number": len(items) + 1, "title": "Performance", "key": "performance", "kind": "report",
                      "papers": [{"kind": "performance", "title": "Safer Communities Performance"}]})
        items.append({"number": len(items) + 1, "title": "Partner updates", "key": "partner-updates",
                      "kind": "standing", "papers": [{"kind": "partner-updates"}]})
        if r.random() < 0.3:
            items.append({"number": len(items) + 1, "title": "PSA recommendations", "key": "psa", "kind": "standing",
                          "papers": [{"kind": "psa-tracker"}]})
        items.append({"number": len(items) + 1, "title": "Forward programme", "key": "forward-programme",
                      "leads": ["chair"], "kind": "standing", "papers": [{"kind": "forward-programme"}]})
        items.append({"number": len(items) + 1, "title": "Any other business", "key": "aob", "leads": ["chair"],
                      "kind": "procedural"})
        if r.random() < 0.05:
            items[-2]["restricted"] = True
        return items

    def _org_name(self, oid: str) -> str:
        return next(o["name"] for o in self.orgs if o["id"] == oid)

    def _document(self, topic: str) -> str:
        t = self.text
        return (f"# {topic}\n\n## Purpose\n\n{t.paragraph(2)}\n\n## Background\n\n{t.paragraph(3)}\n\n"
                f"## Progress\n\n{t.bullets(4)}\n\n## Recommendation\n\nThat the Board notes the report.\n")

    def _minutes(self, day, agenda, people, n_actions, minute_number, action_number):
        r = self.rng
        t = self.text
        items = []
        topical = [it for it in agenda if (it.get("kind") in ("report", "presentation", "verbal")
                   and "papers" in it) or it.get("kind") == "verbal"]
        topical = topical or [agenda[-1]]
        action_items: dict[str, int] = {}
        for _ in range(n_actions):
            it = r.choice(topical)
            action_items[str(it["number"])] = action_items.get(str(it["number"]), 0) + 1
        raised = []
        for it in agenda:
            minute_number += 1
            mi: dict = {"number": minute_number, "item": it["number"], "title": it["title"]}
            num = str(it["number"])
            if it.get("kind") == "procedural" and num not in action_items:
                mi["body"] = [{"text": {"1": "The Chair welcomed everyone; apologies were noted as listed above.",
                                        "4": "No interests were declared."}.get(num, "There was no other business.")}]
                items.append(mi)
                continue
            intro = f"The meeting considered {it['title'].lower()}. The discussion covered the following points:"
            body: list = [{"text": intro}, {"points": [t.point() for _ in range(r.randint(3, 8))]}]
            decisions = [{"text": r.choice(DECISIONS)}]
            for seq in range(1, action_items.get(num, 0) + 1):
                owners = r.sample(people, 1 if r.random() < 0.85 else 2)
                aid = f"{day.isoformat()}/{num}.{seq}"
                text = f"{r.choice(ACTION_VERBS)} {r.choice(THINGS)} {r.choice(WHERE)}"
                decisions.append({"text": f"the lead officer {text[0].lower()}{text[1:]}", "owners": owners,
                                  "action": aid})
                action_number += 1
                raised.append({"id": aid, "number": action_number, "text": f"{text}.", "owners": owners,
                               "decision": len(decisions)})
            if it.get("restricted"):
                mi["restricted"] = True
            mi["body"] = [*body, {"decisions": decisions}]
            items.append(mi)
        if raised:
            self.actions[day] = [self._history(day, a) for a in raised]
        return items, minute_number, action_number

    def _history(self, day: dt.date, a: dict) -> dict:
        """Give an action a due meeting and a history that agrees with its status and owners."""
        r = self.rng
        later = [d for d in self.live if d > day]
        held_later = [d for d in later if self.status[d] == "held"]
        a["due_meeting"] = later[0]
        history = []
        # Actions close within a few meetings; those from the last few meetings are still open,
        # and the odd one lingers for years (as on every real action log).
        closes = len(held_later) > 3 and r.random() < 0.995
        n = min(len(held_later), r.randint(1, 4))
        owners = list(a["owners"])
        for j, d in enumerate(held_later[:n]):
            entry: dict = {"date": d, "meeting": d, "note": r.choice(NOTES)}
            if r.random() < 0.08:
                new = [r.choice(self.persons)["id"]]
                if sorted(new) != sorted(owners):
                    entry["reassigned_to"] = new
                    owners = new
            if closes and j == n - 1:
                entry["status"] = "closed" if "Superseded" in entry["note"] else "complete"
            history.append(entry)
        if owners != a["owners"]:
            a["raised_owners"] = a["owners"]
            a["owners"] = owners
        a["status"] = history[-1].get("status", "open") if history else "open"
        if history:
            a["history"] = history
        return a

    # ------------------------------------------------------------------ other records
    def partner_updates(self) -> dict[tuple[dt.date, str], dict]:
        r = self.rng
        t = self.text
        out = {}
        by_org: dict[str, list[str]] = {}
        for p in self.persons:
            by_org.setdefault(p["organisation"], []).append(p["id"])
        for day, orgs in self.update_plan.items():
            plan = self.plan_for(day)
            for oid in orgs:
                authors = by_org.get(oid) or [self.persons[0]["id"]]
                u: dict = {"meeting": day, "organisation": oid, "authors": [r.choice(authors)]}
                u["date"] = day - dt.timedelta(days=r.randint(5, 20)) if r.random() < 0.85 else \
                    f"{day.year:04d}-{day.month:02d}"
                u["subject"] = f"{self._org_name(oid)} update"
                u["summary"] = t.paragraph(2)
                if r.random() < 0.4:
                    u["recommendations"] = "That the partnership notes the update and supports the planned activity."
                u["performance"] = t.paragraph(2)
                if "themes" in plan:
                    u["priorities"] = [{"theme": th["number"], "text": t.bullets(r.randint(1, 3))}
                                       for th in plan["themes"]]
                else:
                    u["priorities"] = [{"priority": pr["number"], "text": t.bullets(r.randint(1, 2))}
                                       for pr in plan["priorities"] if r.random() < 0.7]
                u["budget"] = "Within the current allowance." if r.random() < 0.6 else t.point()
                u["risks"] = t.point() if r.random() < 0.5 else None
                u["planned_activity"] = t.bullets(r.randint(2, 4))
                u["other"] = t.point() if r.random() < 0.4 else None
                u["support_required"] = t.point() if r.random() < 0.5 else None
                if r.random() < 0.03:
                    u["restricted"] = True
                out[(day, oid)] = u
        return out

    def psa(self) -> dict[int, dict]:
        r = self.rng
        t = self.text
        out = {}
        first = self.p["start_year"]
        for year in range(first, first + self.p["years"]):
            meetings = [d for d in self.held if dt.date(year, 4, 1) <= d < dt.date(year + 1, 4, 1)]
            recs = []
            for n in range(1, r.randint(10, 15) + 1):
                rec: dict = {"number": n, "text": f"The partnership {r.choice(DID)} {r.choice(THINGS)} {r.choice(WHERE)}.",
                             "owners": [r.choice(self.persons[:30])["id"]]}
                status = r.choice(["agreed", "in-progress", "complete", "complete", "agreed", "proposed", "removed"])
                ups = sorted(r.sample(meetings, min(len(meetings), r.randint(1, 3)))) if meetings else []
                if status == "removed" and not ups:
                    status = "agreed"
                rec["status"] = status
                rec["updates"] = [{"date": d, "text": t.point(), "meeting": d} for d in ups]
                if status == "removed":
                    rec["removed"] = {"meeting": ups[-1], "reason": "Superseded by the new plan."}
                recs.append(rec)
            out[year] = {"year": year, "title": f"{year} PSA Recommendations",
                         "assessment": f"{year - 1}/{year % 100:02d} Partnership Strategic Assessment",
                         "recommendations": recs}
        return out

    def programme(self) -> dict:
        future = [d for d in self.dates if self.status[d] == "scheduled"] + self.schedule_dates
        items = []
        self.programme_ids = []
        for i, (_topic, key) in enumerate(TOPICS * 3):
            pid = f"{key}-{i // len(TOPICS) + 1}"
            self.programme_ids.append(pid)
        return {"items": items, "future": future}

    def fill_programme(self) -> dict:
        r = self.rng
        future = [d for d in self.dates if self.status[d] == "scheduled"] + self.schedule_dates
        items = []
        for i, pid in enumerate(self.programme_ids):
            topic = TOPICS[i % len(TOPICS)][0]
            recurs = r.choice(["none", "none", "standing", "annual", "six-monthly"])
            when = r.choice(["date", "month", "tbc", "civic-year"])
            if recurs == "six-monthly" and when == "tbc":
                when = "month"
            it: dict = {"id": pid, "item": topic, "detail": f"To receive an update on {topic.lower()}."}
            if when == "date":
                it["when"] = r.choice(future)
            elif when == "month":
                d = r.choice(future)
                it["when"] = f"{d.year:04d}-{d.month:02d}"
            else:
                it["when"] = when
            it["recurs"] = recurs
            it["action_by"] = [r.choice(self.persons[:40])["id"]]
            it["status"] = r.choice(["planned", "planned", "planned", "done", "deferred"])
            if recurs != "none" or it["status"] == "done":
                it["last_taken"] = r.choice(self.held[-20:])
            items.append(it)
        return {"items": items}

    def performance(self) -> dict[str, dict]:
        r = self.rng
        out = {}
        first = self.p["start_year"] - 1
        last = self.end.year if self.end.month >= 4 else self.end.year - 1
        for y in range(first, last + 1):
            fy = f"{y}-{(y + 1) % 100:02d}"
            quarters = ["Q1", "Q2", "Q3", "Q4"] if y < last else ["Q1", "Q2", "Q3"]
            inds = []
            for j, metric in enumerate(METRICS):
                base = r.uniform(2, 90)
                ind: dict = {"id": slugify(metric), "name": metric[0].upper() + metric[1:],
                             "unit": "per-1000" if base < 60 else "count", "polarity": "lower-is-better",
                             "tolerance": 5, "priority": 1 + j % 5}
                if r.random() < 0.3:
                    ind["target"] = round(base * 0.95, 2)
                ind["readings"] = [{"quarter": q, "value": round(base * r.uniform(0.85, 1.15), 2),
                                    "previous": round(base * r.uniform(0.85, 1.15), 2)} for q in quarters]
                inds.append(ind)
            out[fy] = {"year": fy, "area": "Shire", "source": "Safer Communities Performance Dashboard",
                       "indicators": inds}
        return out

    def config(self) -> dict:
        return {
            "partnership": {"name": "Shire Safer Communities Strategy Board", "short_name": "SSCSB", "body": "board",
                            "clerk_organisation": "county-council", "council_year_starts": 5},
            "defaults": {"venue": "Committee Room 1, County Hall", "start": "10:00", "end": "12:00",
                         "mode": "hybrid"},
            "conventions": {"decision_word": "RESOLVED", "decision_style": "lettered",
                            "minute_numbering": "continuous", "cite_agenda_items": True,
                            "page_references": "page-range", "papers_start_on_odd_page": True,
                            "presenter_lines": True,
                            "action_status_labels": {"open": "Amber", "complete": "Green", "closed": "Green"},
                            "action_log_columns": ["number", "raised", "action", "owners", "comments", "status"],
                            "action_log_show_reassignment": False, "agenda_date_style": "long-plain",
                            "text_date_style": "medium", "time_style": "dotted", "point_numbering": "roman-parens",
                            "uppercase_titles": False},
            "standing_agenda": [
                {"title": "Introductions and apologies", "key": "apologies", "leads": ["chair"], "kind": "procedural"},
                {"title": "Minutes of the previous meeting", "key": "minutes", "leads": ["chair"],
                 "kind": "procedural", "paper": "previous-minutes"},
                {"title": "Action Log", "key": "action-log", "leads": ["chair"], "paper": "action-log"},
                {"title": "Declarations of interest", "key": "declarations", "kind": "procedural"},
                {"title": "Plan priorities update", "key": "plan-update", "sub_items_per_priority": True},
                {"title": "Partner updates", "key": "partner-updates", "paper": "partner-updates"},
                {"title": "Forward programme", "key": "forward-programme", "leads": ["chair"],
                 "paper": "forward-programme"},
                {"title": "Any other business", "key": "aob", "leads": ["chair"], "kind": "procedural"},
            ],
            "plans": self.plan_list,
            "schedule": [{"date": d, "start": "10:00", "end": "12:00"} for d in self.schedule_dates]
                        + [{"label": "Annual general meeting – to be scheduled"}],
            "partner_updates": [{"organisation": oid, "contact": self._contact(oid)} for oid in self.org_ids[:12]],
        }

    def _contact(self, oid: str) -> str:
        return next((p["id"] for p in self.persons[12:] if p["organisation"] == oid and p["active_to"] is None),
                    self.persons[0]["id"])


# --------------------------------------------------------------------------- writing

SCHEMA_OF = {"meetings": "meeting", "actions": "actions", "updates": "partner-update", "psa": "psa",
             "performance": "performance"}


def clean(value):
    """Drop None values and empty lists, so files look like people write them."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if v is not None and v != [] and not (k == "member" and v is False)
                and not (k == "statutory" and v is False)}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def dump(path: Path, data: dict, schema: str, depth: int) -> int:
    body = yaml.dump(clean(data), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=2**31 - 1,
                     default_flow_style=False)
    text = f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}.schema.json\n{body}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return len(text)


def generate(out: Path, size: str = "county", seed: int = 7) -> dict[str, int]:
    """Write the repository into ``out`` (replacing its cspkit.yaml and records/); return counts."""
    w = World(size, seed)
    orgs = w.organisations()
    people = w.people()
    w.calendar()
    last = w.dates[-1]
    w.schedule_dates = [last + dt.timedelta(days=70 * k) for k in (1, 2, 3)]
    w.plans()
    w.programme()
    w.build_meetings()
    updates = w.partner_updates()
    psa = w.psa()
    programme = w.fill_programme()
    perf = w.performance()
    cfg = w.config()

    if (out / "records").exists():
        shutil.rmtree(out / "records")
    out.mkdir(parents=True, exist_ok=True)
    rec = out / "records"
    nbytes = 0
    nbytes += dump(out / "cspkit.yaml", cfg, "config", 0)
    for p in people:
        for k in ("active_from", "active_to", "title"):
            if p.get(k) is None:
                p.pop(k, None)
    nbytes += dump(rec / "people.yaml", {"people": people}, "people", 1)
    nbytes += dump(rec / "organisations.yaml", {"organisations": orgs}, "organisations", 1)
    for day, m in w.meetings.items():
        nbytes += dump(rec / "meetings" / f"{day.isoformat()}.yaml", m, "meeting", 2)
    for day, acts in w.actions.items():
        nbytes += dump(rec / "actions" / f"{day.isoformat()}.yaml", {"meeting": day, "actions": acts}, "actions", 2)
    for (day, oid), u in updates.items():
        nbytes += dump(rec / "updates" / day.isoformat() / f"{oid}.yaml", u, "partner-update", 3)
    for year, doc in psa.items():
        nbytes += dump(rec / "psa" / f"{year}.yaml", doc, "psa", 2)
    nbytes += dump(rec / "forward-programme.yaml", programme, "forward-programme", 1)
    for fy, doc in perf.items():
        nbytes += dump(rec / "performance" / f"{fy}.yaml", doc, "performance", 2)
    for source, text in w.docs.items():
        path = rec / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / ".gitignore").write_text(".cspkit-cache/\nbuild/\n", encoding="utf-8")
    return {
        "meetings": len(w.meetings), "held": len(w.held),
        "actions": sum(len(a) for a in w.actions.values()), "action_files": len(w.actions),
        "updates": len(updates), "psa_years": len(psa), "performance_years": len(perf),
        "people": len(people), "organisations": len(orgs), "papers": len(w.docs),
        "programme_items": len(programme["items"]), "yaml_bytes": nbytes,
        "first_scheduled": min(d for d in w.dates if w.status[d] == "scheduled").toordinal(),
    }


def first_scheduled(counts: dict[str, int]) -> dt.date:
    return dt.date.fromordinal(counts["first_scheduled"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="county")
    ap.add_argument("--out", type=Path, default=None, help="folder to write (default: build/bench-<size>)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    out = args.out or Path("build") / f"bench-{args.size}"
    t0 = time.perf_counter()
    counts = generate(out, args.size, args.seed)
    took = time.perf_counter() - t0
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if k != "first_scheduled")
    print(f"{out}: {summary} ({counts['yaml_bytes'] / 1e6:.1f} MB of YAML) in {took:.1f} s; "
          f"first scheduled meeting {first_scheduled(counts)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
