"""The simulated news world of bench/freshness.py: hosts, list pages, feeds and their stories.

Ten hosts, each with a front page (the newest 15 stories of the whole host), an RSS feed (the
newest 20) and four section pages (the newest 10 of the section). Each section publishes by a
Poisson process at a rate of its class, so every story is on three lists (its section, the
front page, the feed) until newer stories push it off:

========  ================================  ===================
class     new stories                       sections
========  ================================  ===================
hot       12 an hour (one every 5 minutes)  a few
warm      1 an hour                         many
cool      1 every 10 hours                  many
dormant   2 a week                          many
burst     1 every 2 hours; 30 an hour in a  a few
          3-hour daytime burst (days 2, 4)
========  ================================  ===================

The spread between the hottest and the most dormant section is 12 / (2/168) = 1008x. All times
are simulated seconds from the start of the run; the world is fully determined by its seed, so
the adaptive and the fixed policy see exactly the same stories.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

DAY = 86400.0
#: (class, stories per hour); a burst section's rate inside its bursts is BURST_RATE.
RATES = {"hot": 12.0, "warm": 1.0, "cool": 0.1, "dormant": 2 / 168, "burst": 0.5}
BURST_RATE = 30.0
#: Simulated hours of the day a burst covers, and the days it happens on (0-based).
BURST_HOURS = (9.0, 12.0)
BURST_DAYS = (1, 3)
#: Section classes per host, chosen so that every class is on several hosts.
HOST_SECTIONS = [
    ("hot", "warm", "cool", "dormant"),
    ("hot", "cool", "dormant", "dormant"),
    ("burst", "warm", "cool", "dormant"),
    ("warm", "warm", "cool", "dormant"),
    ("hot", "burst", "dormant", "dormant"),
    ("warm", "cool", "cool", "dormant"),
    ("burst", "cool", "dormant", "dormant"),
    ("warm", "cool", "dormant", "dormant"),
    ("hot", "warm", "dormant", "dormant"),
    ("cool", "cool", "dormant", "dormant"),
]
FRONT_SIZE, FEED_SIZE, SECTION_SIZE = 15, 20, 10


@dataclass
class Story:
    id: int
    host: int
    section: str
    published_at: float

    @property
    def path(self) -> str:
        return f"/a/{self.id}.html"


@dataclass
class ListPage:
    """One list page or feed: which stories it shows at a given time."""

    host: int
    path: str
    kind: str  # "list" or "feed"
    size: int
    #: The publishing class of a section page ("front"/"feed" for the host-wide lists).
    klass: str
    rate_per_h: float
    times: list[float] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)

    def add(self, story: Story) -> None:
        self.times.append(story.published_at)
        self.stories.append(story)

    def visible(self, now: float) -> list[Story]:
        """The newest ``size`` stories published by ``now``, newest first."""
        end = bisect.bisect_right(self.times, now)
        return self.stories[max(0, end - self.size) : end][::-1]

    def visible_until(self, story_index: int) -> float:
        """When the story at this index falls off the list (inf: still on it at the end)."""
        pushed_by = story_index + self.size
        return self.times[pushed_by] if pushed_by < len(self.times) else float("inf")


def rate_at(klass: str, t: float) -> float:
    if klass == "burst":
        day, hour = int(t // DAY), (t % DAY) / 3600
        if day in BURST_DAYS and BURST_HOURS[0] <= hour < BURST_HOURS[1]:
            return BURST_RATE
    return RATES[klass]


def poisson_times(klass: str, duration: float, rng: random.Random) -> Iterator[float]:
    """Publication times of a section: a Poisson process (thinned for the bursts)."""
    peak = max(RATES[klass], BURST_RATE if klass == "burst" else 0.0) / 3600
    t = 0.0
    while True:
        t += rng.expovariate(peak)
        if t >= duration:
            return
        if rng.random() < rate_at(klass, t) / 3600 / peak:
            yield t


@dataclass
class World:
    duration: float
    lists: list[ListPage]
    stories: list[Story]

    def lists_of(self, story: Story) -> list[ListPage]:
        return [
            page
            for page in self.lists
            if page.host == story.host
            and (page.klass in ("front", "feed") or page.path == story.section)
        ]

    def off_all_lists_by(self, story: Story, when: float) -> bool:
        """The story had fallen off every list it was on by ``when`` (it can no longer be
        found by visiting a list)."""
        for page in self.lists_of(story):
            index = page.stories.index(story)
            if page.visible_until(index) > when:
                return False
        return True


def build_world(days: float = 7.0, seed: int = 17) -> World:
    rng = random.Random(seed)
    duration = days * DAY
    lists: list[ListPage] = []
    stories: list[Story] = []
    for host, classes in enumerate(HOST_SECTIONS):
        front = ListPage(host, "/", "list", FRONT_SIZE, "front", 0.0)
        feed = ListPage(host, "/rss.xml", "feed", FEED_SIZE, "feed", 0.0)
        sections = [
            ListPage(host, f"/s/{n}-{klass}/", "list", SECTION_SIZE, klass, RATES[klass])
            for n, klass in enumerate(classes)
        ]
        host_stories = [
            Story(0, host, section.path, t)
            for section in sections
            for t in poisson_times(section.klass, duration, rng)
        ]
        host_stories.sort(key=lambda s: s.published_at)
        for story in host_stories:
            story.id = len(stories)
            stories.append(story)
            front.add(story)
            feed.add(story)
            next(s for s in sections if s.path == story.section).add(story)
        front.rate_per_h = feed.rate_per_h = sum(s.rate_per_h for s in sections)
        lists.extend([front, feed, *sections])
    return World(duration, lists, stories)
