"""One module per mechanism of the customer journey: pure formulas and decisions with sources."""
