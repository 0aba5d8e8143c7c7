# End-to-end tests: the real racecheck binary on real programs.
add_library(rc_e2e STATIC e2e/e2e.c)
target_link_libraries(rc_e2e PUBLIC rc_common PkgConfig::CRITERION)
target_compile_definitions(rc_e2e PUBLIC RC_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                         RC_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
target_include_directories(rc_e2e PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

rc_criterion_test(test_cli SOURCES e2e/test_cli.c LIBS rc_e2e)
rc_criterion_test(test_samples SOURCES e2e/test_samples.c LIBS rc_e2e)
foreach(t test_cli test_samples)
    add_dependencies(${t} racecheck racecheck-shim samples)
endforeach()
