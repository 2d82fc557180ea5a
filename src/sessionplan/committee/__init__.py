"""For programme committees: alternative programmes and side-by-side comparison."""
