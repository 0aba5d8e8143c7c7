# End-to-end tests: the real racecheck binary on real programs.
