"""What every page uses: typed session state, deep links, the data picker, stepping, the run store, text."""
