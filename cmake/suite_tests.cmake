# One ctest test per GoogleTest suite ("Suite.*"), for the sanitizer configuration: there a
# test process costs about a second to start and stop (a Debug + ASan binary of 400 MB),
# which per test (gtest_discover_tests) was a third of the sanitizer run's time.
#
# Configure time: dgen_add_suite_tests(TARGET ENVIRONMENT) lists the suites after each
# build of TARGET and has ctest include the list. Script mode (cmake -P, run by that build
# step): TEST_EXECUTABLE, CTEST_FILE and ENVIRONMENT given with -D.
if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests OUTPUT_VARIABLE listing
                  RESULT_VARIABLE status TIMEOUT 120)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${status})")
  endif()
  string(REPLACE "\n" ";" lines "${listing}")
  set(tests "")
  foreach(line IN LISTS lines)
    # A suite's line is its name and a dot at column 0 (a parameterised one is followed by
    # a comment); its tests' lines are indented. Disabled suites are left out, as
    # GoogleTest leaves them.
    if(line MATCHES "^DISABLED_")
      continue()
    endif()
    if(line MATCHES "^([A-Za-z_][^ .]*)\\.( |$)")
      set(name "${CMAKE_MATCH_1}.*")
      string(APPEND tests "add_test([=[${name}]=] [=[${TEST_EXECUTABLE}]=] [=[--gtest_filter=${name}]=])\n"
             "set_tests_properties([=[${name}]=] PROPERTIES ENVIRONMENT [=[${ENVIRONMENT}]=])\n")
    endif()
  endforeach()
  if(tests STREQUAL "")
    message(FATAL_ERROR "${TEST_EXECUTABLE} listed no test suites")
  endif()
  file(WRITE "${CTEST_FILE}" "${tests}")
  return()
endif()

function(dgen_add_suite_tests target environment)
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DTEST_EXECUTABLE=$<TARGET_FILE:${target}> -DCTEST_FILE=${list_file}
      -DENVIRONMENT=${environment} -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE}
    BYPRODUCTS ${list_file} VERBATIM)
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS [=[${list_file}]=])\n  include([=[${list_file}]=])\n"
    "else()\n  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
