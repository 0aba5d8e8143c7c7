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
rc_criterion_test(test_formats SOURCES e2e/test_formats.c LIBS rc_e2e rc_report)

# A program the end-to-end tests run: e2e/progs/NAME.c built with -g and
# OPT into ${CMAKE_BINARY_DIR}/tests/e2e/NAME (target e2e_NAME).
function(rc_e2e_prog name opt)
    add_executable(e2e_${name} e2e/progs/${name}.c)
    set_target_properties(e2e_${name} PROPERTIES OUTPUT_NAME ${name}
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/e2e)
    target_compile_options(e2e_${name} PRIVATE -g ${opt})
    target_link_libraries(e2e_${name} PRIVATE Threads::Threads)
endfunction()
foreach(p misuse deadlock signals signal_deadlock shared_counter spawn lifecycle handoff)
    rc_e2e_prog(${p} -O0)
endforeach()
rc_e2e_prog(full_log -O1)

add_dependencies(test_runtime e2e_misuse e2e_deadlock e2e_full_log e2e_lifecycle e2e_handoff)
add_dependencies(test_shim_e2e racecheck racecheck-shim e2e_deadlock e2e_misuse e2e_signals
                 e2e_signal_deadlock e2e_shared_counter e2e_spawn e2e_lifecycle rc_shim_progs
                 samples)
# test_shim (tests/unit) reads the records these two programs leave.
add_dependencies(test_shim e2e_lifecycle e2e_handoff)
foreach(t test_cli test_samples test_formats test_check test_runtime)
    add_dependencies(${t} racecheck racecheck-shim samples)
endforeach()

# scripts/fetch-sarif-schema puts the official schema here (make test runs it).
if(DEFINED ENV{XDG_CACHE_HOME})
    set(RC_SARIF_SCHEMA "$ENV{XDG_CACHE_HOME}/racecheck/sarif-2.1.0-rtm.5.json")
else()
    set(RC_SARIF_SCHEMA "$ENV{HOME}/.cache/racecheck/sarif-2.1.0-rtm.5.json")
endif()
target_compile_definitions(test_formats PRIVATE RC_SARIF_SCHEMA="${RC_SARIF_SCHEMA}")
target_link_libraries(test_formats PRIVATE PkgConfig::JANSSON)
