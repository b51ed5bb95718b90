"""The tutorial notebooks' sources: one module per notebook (NAME, CELLS); scripts/make-notebooks.py writes them."""
