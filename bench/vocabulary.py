"""Word lists for the benchmark corpus (``make_corpus.py``).

The corpus is an imaginary archive of diplomatic documents: communiqués, treaties, minutes,
speeches and memoranda between invented states. Sentences are assembled from the phrase lists
below. Two vocabularies are kept apart on purpose:

- the *prose* words (everything in this file except the ``TERM_*`` lists), and
- the *glossary* words (``TERM_NAME_*``, ``TERM_KINDS``, ``TECH_*``), which occur in the text
  only where the generator puts a glossary term.

So a term placed in a sentence is never swallowed by a longer, accidental match, and every
one of the 200 glossary terms is linked at least once (Glossator warns otherwise).
"""

# Invented places: a first part and an ending (the endings differ from the term names').
PLACE_STARTS = ["Var", "Osk", "Tel", "Bran", "Mor", "Kest", "Dun", "Sel", "Tor", "Lum", "Quel",
                "Ard", "Vel", "Zan", "Hol", "Prev", "Cal", "Ner", "Est", "Gal"]
PLACE_ENDS = ["ania", "ova", "ora", "enza", "avia", "istan", "eria", "ond"]

GIVEN_NAMES = ["Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines",
               "Jonas", "Karin", "Leon", "Marta", "Nikolai", "Olga", "Pavel", "Rosa", "Stefan",
               "Tomas", "Ulrike", "Viktor", "Wanda", "Yusuf", "Zofia", "Adrian", "Beatrix",
               "Cyril", "Dora", "Emil", "Flora"]
FAMILY_NAMES = ["Aldana", "Brenner", "Castellan", "Dorn", "Ekholm", "Falk", "Gorski", "Halden",
                "Ivers", "Jaric", "Kovac", "Lindqvist", "Marek", "Novak", "Orban", "Petrov",
                "Quist", "Rask", "Sorel", "Tamm", "Ulmer", "Varga", "Weiss", "Zeman", "Berg",
                "Moreau", "Halloran", "Ostrowski", "Pellegrini", "Szabo"]
PARTICLES = ["van", "de", "von"]
SUFFIX_NAMES = ["Jr.", "III"]

ORG_PATTERNS = ["Ministry of Foreign Affairs of {place}", "Chancellery of {place}",
                "Secretariat of the Inland Sea Commission", "Council of Ministers of {place}",
                "Permanent Mission of {place}", "Federal Archives of {place}",
                "State Printing Office of {place}", "Parliament of {place}",
                "Office of the High Representative", "Joint Boundary Commission"]
REPUBLISHERS = [("Inland Sea Review", "https://review.example.org/"),
                ("Archive of the Northern Straits", "https://straits-archive.example.org/"),
                ("Documents on Regional Diplomacy", "https://diplomacy-documents.example.net/"),
                ("The Harbour Gazette", "https://gazette.example.com/"),
                ("Digital Treaty Library", "https://treaties.example.org/")]
VIA_NOTES = ["Emphasis added by the republisher.", "Translated from the original.",
             "Abridged; omissions are not marked.", "Text taken from a facsimile."]
TAGS = ["Borders", "Trade", "Navigation", "Fisheries", "Ceasefires", "Prisoners of War",
        "Customs", "Minorities", "Railways", "Telegraphs", "Arbitration", "Neutrality",
        "Reparations", "Refugees", "Water Rights", "Mining", "Shipping", "Public Health",
        "Education", "Currency", "Elections", "Disarmament", "Treaties", "Speeches",
        "Minutes", "Memoranda", "Communiqués", "Harbours", "Grain", "Postal Services"]
TITLE_PATTERNS = ["Joint Communiqué of {p1} and {p2} on {topic}",
                  "Treaty between {p1} and {p2} concerning {topic}",
                  "Minutes of the {ordinal} Session of the Council of {p1}",
                  "Address by the Foreign Minister of {p1} on {topic}",
                  "Memorandum of {p1} to the Government of {p2} on {topic}",
                  "Protocol of the Conference of {p1} on {topic}",
                  "Declaration of the Governments of {p1}, {p2} and {p3}",
                  "Exchange of Notes between {p1} and {p2} on {topic}",
                  "Report of the Mixed Commission on {topic}",
                  "Final Act of the {ordinal} Conference on {topic}"]
TOPICS = ["the Northern Frontier", "Navigation on the Inland Sea", "the Exchange of Prisoners",
          "Fishing Rights", "the Railway Concession", "Customs and Transit", "the Grain Trade",
          "the Status of Minorities", "the Neutral Zone", "Telegraph Lines",
          "the Settlement of Claims", "River Navigation", "Public Health at the Ports",
          "the Repatriation of Refugees", "the Mining Districts", "Postal Exchange",
          "the Demilitarised Islands", "the Boundary Markers", "Consular Courts",
          "the Harbour of the Free City"]
ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
            "Ninth", "Tenth", "Eleventh", "Twelfth"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

SUBJECTS = ["the Parties", "the two governments", "the delegations", "the Commission",
            "the Council of {place}", "the envoy of {place}", "the ministers", "each Party",
            "the signatory states", "the joint committee", "the observers", "the secretariat",
            "the Government of {place}", "the representatives of {place}", "the conference",
            "the arbitrators", "the chairman", "the port authorities", "the mixed commission",
            "the President of the Council", "the High Contracting Parties",
            "the delegation of {place}", "the garrison commanders", "the consuls",
            "the customs administrations", "the rapporteur"]
VERBS_PAST = ["reaffirmed", "welcomed", "noted", "rejected", "endorsed", "examined", "recalled",
              "deplored", "acknowledged", "proposed", "considered", "approved", "postponed",
              "reviewed", "confirmed", "accepted", "discussed", "recorded", "declined",
              "supported", "questioned", "amended", "adopted", "studied", "announced",
              "guaranteed", "suspended", "restored", "renewed", "extended"]
VERBS_BASE = ["respect", "implement", "review", "guarantee", "suspend", "restore", "monitor",
              "facilitate", "negotiate", "publish", "ratify", "observe", "extend", "settle",
              "inspect", "register", "verify", "protect", "reduce", "limit", "define",
              "coordinate", "resume", "submit", "examine", "uphold"]
MODALS = ["shall", "will", "may", "should", "must", "undertake to", "agreed to", "resolved to",
          "were invited to", "declined to", "hoped to", "intend to"]
OBJECTS = ["the terms of the ceasefire", "the free passage of merchant vessels",
           "a schedule for the exchange of prisoners", "the demarcation of the northern frontier",
           "the rights of fishermen in coastal waters", "the tariff on imported grain",
           "the withdrawal of troops from the islands", "the reopening of the railway line",
           "the accounts of the harbour board", "the return of displaced families",
           "the claims of private creditors", "the telegraph link between the capitals",
           "a commission of inquiry", "the protection of religious minorities",
           "the lighthouse dues", "the mining concessions in the hills",
           "the powers of the consular courts", "the boundary stones along the river",
           "the draft of the final protocol", "the release of interned sailors",
           "the quarantine rules at the ports", "the rate of exchange for the old currency",
           "the closing of the military roads", "an independent audit of the customs",
           "the neutral status of the straits", "the use of the common pastures",
           "the records of the previous session", "the list of disputed villages",
           "the supply of coal to the garrisons", "the reconstruction of the bridges",
           "the inspection of the frontier posts", "the export licences for timber",
           "a census of the border districts", "the registration of foreign vessels",
           "the payment of war damages", "the water levels of the lower river",
           "the opening of a second harbour", "the salaries of the boundary guards",
           "the election of a new chairman", "the translation of the treaty texts"]
PREP_PHRASES = ["without further delay", "under the supervision of the Commission",
                "within ninety days of signature", "in accordance with Article {n}",
                "on the basis of mutual respect", "before the end of the harvest season",
                "in the presence of neutral observers", "at the next regular session",
                "for a period of five years", "subject to ratification",
                "in the spirit of the earlier agreements", "as far as circumstances permit",
                "with the assistance of the secretariat", "on both banks of the river",
                "in all ports of the Inland Sea", "until the frontier is fully marked",
                "at the request of the Government of {place}", "in the interest of both peoples",
                "by a simple majority of votes", "under the protection of the flag",
                "from the first day of {month}", "in two identical copies",
                "with the least possible delay", "in the manner described in Annex {roman}",
                "before winter closes the passes", "at the expense of the requesting Party",
                "in the northern districts", "on the same terms as in {year}"]
INTROS = ["In the course of the meeting", "After a long debate", "On the proposal of the chairman",
          "Following the report of the rapporteur", "For the reasons stated above",
          "Without prejudice to the rights of third states", "In reply to the note of {month}",
          "At the close of the session", "By a vote of {n} to {n2}",
          "In view of the recent incidents", "On behalf of the people of {place}",
          "As in previous years", "Once the text had been read aloud"]
APPOSITIONS = ["speaking for the delegation", "after consulting the ministers",
               "in a written statement", "with some reluctance", "on the advice of the experts",
               "in the name of the whole council", "for the second time", "at some length"]
CLOSING = ["The session was then adjourned.", "The text was approved without amendment.",
           "No objection was raised.", "The matter was referred to the legal committee.",
           "The chairman thanked the interpreters.", "The vote was recorded in the minutes.",
           "Copies were sent to every capital.", "Further discussion was deferred."]
HEADINGS = ["Article {n}", "Part {roman}", "Annex {roman}", "Section {n}: {topic}",
            "Statement of the Delegation of {place}", "Preamble", "Final Provisions",
            "Matters Arising", "Report of the Rapporteur", "Resolutions"]
ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
NOTE_OPENINGS = ["The phrase echoes", "Compare", "This clause was added at the request of",
                 "The original draft read differently here; see",
                 "Contemporary observers read this as a concession to",
                 "The same wording appears in",
                 "The minutes record that this sentence was contested by",
                 "Historians disagree about", "This is the first mention of"]
NOTE_SOURCES = ["the {ordinal} session of the Council of {place}", "the memoirs of {person}",
                "a dispatch of the envoy of {place}", "the Treaty of {place} of {year}",
                "the newspaper press of {place}", "the correspondence of {person}",
                "the report of the mixed commission of {year}"]
CODE_LINES = ["REF {code} / PRIORITY {prio}", "FROM: LEGATION {PLACE}", "TO: MINISTRY {PLACE}",
              "TEXT BEGINS", "STOP ACKNOWLEDGE RECEIPT STOP", "TEXT ENDS", "CIPHER GROUP {n} {n2}",
              "DATE {day} {MONTH} {year}", "COPY TO ARCHIVE {code}"]

# Glossary vocabulary (never used by the prose lists above).
TERM_NAME_STARTS = ["Ash", "Bel", "Cor", "Dal", "Fen", "Glen", "Hart", "Ips", "Kirk", "Lang",
                    "Mel", "North", "Pem", "Rud", "Stow", "Thorn", "Ux", "Whit", "Yar", "Brack"]
TERM_NAME_ENDS = ["wick", "ford", "stead", "mere", "holt", "bury", "combe", "ley"]
TERM_KINDS = ["Convention", "Protocol", "Accord", "Compact", "Doctrine", "Declaration",
              "Charter", "Tribunal", "Mandate", "Statute", "Settlement", "Conference"]
TECH_ADJECTIVES = ["riparian", "cabotage", "littoral", "demurrage", "salvage", "pilotage",
                   "entrepot", "transhipment", "usufruct", "condominium"]
TECH_NOUNS = ["quota", "levy", "servitude", "easement", "regime", "franchise", "tithe",
              "bond"]
DEFINITION_PATTERNS = [
    "An arrangement first agreed in {year} between {p1} and {p2}, governing {object}.",
    "The body of rules under which {subject} {verb_past} {object}; it lapsed in {year}.",
    "A term of art in the diplomatic correspondence of {p1}: {object}, {prep}.",
    ("The instrument signed at {p1} in {month} {year}. It provided for {object} and was "
     "revised {prep}."),
]
