# Unit tests, one Criterion binary per module (tests/unit/test_<module>.c).
rc_criterion_test(test_common SOURCES unit/test_common.c)
rc_criterion_test(test_store SOURCES unit/test_store.c LIBS rc_report SQLite::SQLite3)
rc_criterion_test(test_shim SOURCES unit/test_shim.c LIBS rc_eventlog)
add_dependencies(test_shim racecheck-shim rc_shim_progs)
rc_criterion_test(test_analyzer SOURCES unit/test_analyzer.c LIBS rc_analyzer)
rc_criterion_test(test_html SOURCES unit/test_html.c LIBS rc_report)
add_dependencies(test_html racecheck-shim sample_bank_transfer)
