"""Is it the same organisation? Names are written differently in a memo and an agreement:
"Linköpings domkyrkopastorat" vs "Svenska kyrkan, Linköpings Domkyrkopastorat",
"Domkyrkopastoratet", "Social- och omsorgsnämnden i Linköpings kommun".

The checks ask pipeline.identity, the one notion of who is who that resolve also uses (so
a flag and a table cannot disagree). The municipal side has many names for one party
(kommunen, nämnden, förvaltningen), so checks compare public parties as one side
("public").
"""

from __future__ import annotations

from pipeline.identity import PUBLIC, head, same_organisation, side, stem, words

__all__ = ["PUBLIC", "head", "same_organisation", "side", "stem", "words"]
