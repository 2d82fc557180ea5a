"""A 23-talk camp programme as an organizer would type it into `sessionplan init`'s workbook:
two tents, two days, long and short titles, several speakers, topics on most talks, one
90-minute workshop. Used by the printing tests and by docs/print/render.py."""

from __future__ import annotations

TALKS = [
    ("C01", "Opening: how this camp came to be and what happens where", "Mara Lindqvist", None, "community"),
    ("C02", "Reading SPI flash chips with a five euro microcontroller", "Tomasz Wójcik", None, "hardware; embedded"),
    ("C03", "Mesh networks in the field: lessons from three summers of Freifunk", "Ines Albrecht; Jonas Becker", None,
     "networks; wireless"),
    ("C04", "Soldering for absolute beginners (hands-on, bring nothing)", "Priya Raman", 90, "hardware; workshop"),
    ("C05", "Kubernetes without the cloud: a cluster of second-hand laptops", "Daniel Ortega", None,
     "containers; kubernetes"),
    ("C06", "Privacy on the campsite: what your phone tells the Wi-Fi", "Lea Novak", None, "privacy; wireless"),
    ("C07", "Lightning talks", "Mara Lindqvist", None, "community"),
    ("C08", "Container security in practice: images, registries and signatures", "Daniel Ortega; Sven Holm", None,
     "security; containers"),
    ("C09", "Building a weather station from scrap and a Raspberry Pi", "Aiko Tanaka", None, "hardware; sensors"),
    ("C10", "Introduction to software-defined radio: listening to planes and satellites", "Ines Albrecht", None,
     "wireless; radio"),
    ("C11", "A gentle tour of reverse engineering firmware", "Tomasz Wójcik; Nadia Haddad", None,
     "security; embedded"),
    ("C12", "Community kitchens: feeding 800 people with volunteers", "Ruth Baker", None, "community"),
    ("C13", "Threat modelling for small organisations and collectives", "Nadia Haddad", None, "security; privacy"),
    ("C14", "LoRa sensor networks for allotment gardens", "Aiko Tanaka; Jonas Becker", None, "sensors; wireless"),
    ("C15", "Repair café: keeping old laptops alive", "Priya Raman", None, "hardware; community"),
    ("C16", "Zero-knowledge proofs explained with coloured socks", "Sven Holm", None, "cryptography"),
    ("C17", "Passkeys and the end of passwords?", "Lea Novak", None, "security; cryptography"),
    ("C18", "Home automation without vendor clouds", "Daniel Ortega", None, "embedded; privacy"),
    ("C19", "Accessible events: what we learned running this camp", "Ruth Baker; Mara Lindqvist", None, "community"),
    ("C20", "Low-power radio beacons and the physics of range", "Ines Albrecht", None, "radio; wireless"),
    ("C21", "Verifying elections with end-to-end cryptography", "Sven Holm; Nadia Haddad", None, "cryptography"),
    ("C22", "Closing and thanks", "Mara Lindqvist", None, None),
    ("C23", "Hacking your camp badge: the firmware, the display and the games", "Tomasz Wójcik", None,
     "hardware; embedded"),
]


def camp_sheets() -> dict[str, list[list]]:
    talks = [[tid, title, speakers, duration, topics, None, None, None, None]
             for tid, title, speakers, duration, topics in TALKS]
    names = sorted({n.strip() for _, _, s, _, _ in TALKS for n in s.split(";")})
    slots = []
    for day, label in (("2027-08-12", "Thu"), ("2027-08-13", "Fri")):
        for k, (a, b) in enumerate([("10:00", "11:30"), ("12:00", "13:30"), ("14:30", "16:00"), ("16:30", "18:00")],
                                   start=1):
            h, m = map(int, a.split(":"))
            mid = f"{h + (m + 45) // 60:02d}:{(m + 45) % 60:02d}"
            slots += [[day, a, mid, f"{label}-{k}", None], [day, mid, b, f"{label}-{k}", None]]
    return {
        "Talks": talks,
        "Speakers": [[n, None, None, None] for n in names],
        "Rooms": [["Main Tent", 400], ["Workshop Tent", 80]],
        "Slots": slots,
        "Constraints": [["pin", "C01", "Thu-1", None, None], ["pin", "C22", "Fri-4", None, None]],
        "Weights": [],
    }
