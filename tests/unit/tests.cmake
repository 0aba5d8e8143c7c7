# Unit tests, one Criterion binary per module (tests/unit/test_<module>.c).
rc_criterion_test(test_common SOURCES unit/test_common.c)
