# End-to-end tests: the real racecheck binary on real programs.
add_library(rc_e2e STATIC e2e/e2e.c)
target_link_libraries(rc_e2e PUBLIC rc_common PkgConfig::CRITERION)
target_compile_definitions(rc_e2e PUBLIC RC_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                         RC_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
target_include_directories(rc_e2e PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

rc_criterion_test(test_cli SOURCES e2e/test_cli.c LIBS rc_e2e)
rc_criterion_test(test_samples SOURCES e2e/test_samples.c LIBS rc_e2e)
rc_criterion_test(test_check SOURCES e2e/test_check.c LIBS rc_e2e)
rc_criterion_test(test_runtime SOURCES e2e/test_runtime.c LIBS rc_e2e)
rc_criterion_test(test_shim_e2e SOURCES e2e/test_shim_e2e.c LIBS rc_e2e)
# Programs the end-to-end tests run, built into ${CMAKE_BINARY_DIR}/tests/e2e/.
add_executable(e2e_misuse e2e/progs/misuse.c)
set_target_properties(e2e_misuse PROPERTIES OUTPUT_NAME misuse
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_misuse PRIVATE -g -O0)
target_link_libraries(e2e_misuse PRIVATE Threads::Threads)
add_executable(e2e_deadlock e2e/progs/deadlock.c)
set_target_properties(e2e_deadlock PROPERTIES OUTPUT_NAME deadlock
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_deadlock PRIVATE -g -O0)
target_link_libraries(e2e_deadlock PRIVATE Threads::Threads)
add_executable(e2e_signals e2e/progs/signals.c)
set_target_properties(e2e_signals PROPERTIES OUTPUT_NAME signals
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_signals PRIVATE -g -O0)
target_link_libraries(e2e_signals PRIVATE Threads::Threads)
add_executable(e2e_signal_deadlock e2e/progs/signal_deadlock.c)
set_target_properties(e2e_signal_deadlock PROPERTIES OUTPUT_NAME signal_deadlock
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_signal_deadlock PRIVATE -g -O0)
target_link_libraries(e2e_signal_deadlock PRIVATE Threads::Threads)
add_executable(e2e_shared_counter e2e/progs/shared_counter.c)
set_target_properties(e2e_shared_counter PROPERTIES OUTPUT_NAME shared_counter
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_shared_counter PRIVATE -g -O0)
target_link_libraries(e2e_shared_counter PRIVATE Threads::Threads)
add_executable(e2e_full_log e2e/progs/full_log.c)
set_target_properties(e2e_full_log PROPERTIES OUTPUT_NAME full_log
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
target_compile_options(e2e_full_log PRIVATE -g -O1)
target_link_libraries(e2e_full_log PRIVATE Threads::Threads)
add_dependencies(test_runtime e2e_misuse e2e_deadlock e2e_full_log)
add_dependencies(test_shim_e2e racecheck racecheck-shim e2e_deadlock e2e_misuse e2e_signals
                 e2e_signal_deadlock e2e_shared_counter rc_shim_progs samples)
rc_criterion_test(test_formats SOURCES e2e/test_formats.c LIBS rc_e2e rc_report)
# scripts/fetch-sarif-schema puts the official schema here (make test runs it).
if(DEFINED ENV{XDG_CACHE_HOME})
    set(RC_SARIF_SCHEMA "$ENV{XDG_CACHE_HOME}/racecheck/sarif-2.1.0-rtm.5.json")
else()
    set(RC_SARIF_SCHEMA "$ENV{HOME}/.cache/racecheck/sarif-2.1.0-rtm.5.json")
endif()
target_compile_definitions(test_formats PRIVATE RC_SARIF_SCHEMA="${RC_SARIF_SCHEMA}")
target_link_libraries(test_formats PRIVATE PkgConfig::JANSSON)
foreach(t test_cli test_samples test_formats test_check test_runtime)
    add_dependencies(${t} racecheck racecheck-shim samples)
endforeach()
