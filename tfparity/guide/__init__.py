"""tfparity.guide: the migration guide, generated from the twins and their measured records
(``tfparity docs``).

``book`` writes every example's page, the index, the API map and the porting and architecture
pages; ``notebooks`` each example's notebook (run by ``twin_magic``'s cell magic); ``mapping`` the
TF1 → TF2 rules the API map is made of; ``settings`` a record's oneDNN settings; ``site`` the
guide as a website (the MkDocs hooks mkdocs.yml names, and the strict build of ``tfparity docs --site``).
This package's own import is light: a notebook loads ``twin_magic`` without matplotlib.
"""
