"""tfparity.render: what every page shares, for the guide, the studies and the examples' figures.

``pages`` (a twin's sections, Markdown tables, side-by-side code), ``plots`` (matplotlib figures
with one style per mode), ``published`` (the numbers a source printed, beside ours).
"""
