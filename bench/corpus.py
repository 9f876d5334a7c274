"""A generator of fictional news-like conflict articles for benchmarks: deterministic for a seed, several
paragraphs each, with the actors, places, dates and casualty figures that keep every extraction stage busy.

    for article in fictional_articles(400, seed=7): ...

Every article is invented; the names are real places and groups only so the gazetteer and actor base
have something to find.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from warwire.types import Article

SETTINGS = [  # (country, [places], [armed actors], [officials])
    ("Mali", ["Gao", "Menaka", "Kidal", "Mopti", "Timbuktu"], ["JNIM", "the Islamic State Sahel Province",
     "the Malian army", "Wagner Group fighters"], ["the army", "the regional governor", "a local official"]),
    ("Yemen", ["Taiz", "Marib", "Hodeidah", "Aden", "Saada"], ["the Houthi movement", "government forces",
     "the Southern Transitional Council", "al-Qaeda in the Arabian Peninsula"], ["medics", "a military source",
                                                                                 "the health ministry"]),
    ("Syria", ["Idlib", "Deir ez-Zor", "Aleppo", "Raqqa", "Daraa"], ["the Syrian army", "Hayat Tahrir al-Sham",
     "the Syrian Democratic Forces", "Islamic State fighters"], ["a war monitor", "the civil defence",
                                                                 "state media"]),
    ("Somalia", ["Mogadishu", "Baidoa", "Kismayo", "Beledweyne"], ["al-Shabaab", "Somali troops",
     "African Union peacekeepers", "clan militias"], ["a police officer", "the district commissioner",
                                                      "witnesses"]),
    ("Myanmar", ["Sagaing", "Lashio", "Myawaddy", "Hpakant"], ["the Myanmar military", "the Arakan Army",
     "People's Defence Force fighters", "the Kachin Independence Army"], ["residents", "a rebel spokesman",
                                                                          "local media"]),
    ("Colombia", ["Cauca", "Arauca", "Catatumbo", "Tumaco"], ["the National Liberation Army", "FARC dissidents",
     "the Colombian army", "the Gulf Clan"], ["the attorney general's office", "police", "the ombudsman"]),
]
ATTACKS = ["attacked an army post near {place}", "ambushed a convoy on the road to {place}",
           "shelled residential areas of {place}", "carried out a drone strike on a base outside {place}",
           "detonated a car bomb at a checkpoint in {place}", "stormed a village east of {place}",
           "abducted {n2} aid workers near {place}", "fired rockets at positions around {place}"]
OTHER = ["Hundreds of people protested in {place} against rising prices and the lack of security, and police "
         "fired tear gas to disperse them.",
         "Officials from both sides met in {place} for talks on a ceasefire, mediators said in a statement.",
         "The government accused {actor} of recruiting children, a charge the group denied.",
         "{actor} threatened to attack the town of {place} unless the army withdrew.",
         "Aid agencies said they had suspended deliveries of food to {place} after the fighting."]
FILLER = ["The region has seen a rise in violence since the start of the year, and thousands of people have fled "
          "their homes.", "It was not possible to independently verify the reports, and communications with the "
          "area were cut.", "Residents said the fighting lasted for several hours before the attackers withdrew.",
          "The United Nations called on all parties to protect civilians and to allow humanitarian access.",
          "Analysts said the attack showed that the armed groups were able to strike far from their bases.",
          "Local leaders appealed for calm and asked the authorities to open an investigation."]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
        "last week", "overnight"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "12", "15", "at least 20"]


def fictional_articles(n: int, seed: int = 7, start: dt.date = dt.date(2024, 1, 1)) -> Iterator[Article]:
    rng = random.Random(seed)
    for i in range(n):
        yield _article(rng, i, start + dt.timedelta(days=rng.randrange(365)))


def _article(rng: random.Random, i: int, published: dt.date) -> Article:
    country, places, actors, officials = rng.choice(SETTINGS)
    paragraphs = []
    for _ in range(rng.randint(3, 5)):
        place, actor = rng.choice(places), rng.choice(actors)
        attack = rng.choice(ATTACKS).format(place=place, n2=rng.choice(NUMBERS))
        paragraphs.append(
            f"{actor[0].upper() + actor[1:]} {attack} in {country} {rng.choice(DAYS)}, killing {rng.choice(NUMBERS)} "
            f"people and wounding {rng.choice(NUMBERS)} others, {rng.choice(officials)} said. "
            f"{rng.choice(OTHER).format(place=rng.choice(places), actor=rng.choice(actors))} "
            f"{' '.join(rng.sample(FILLER, 2))}")
    title = f"Fighting near {rng.choice(places)} leaves dozens dead"
    text = title + "\n\n" + "\n\n".join(paragraphs) + "\n\n(Fictional article generated for warwire benchmarks.)"
    return Article(f"bench-{i:04d}", text, published, title)
