# The ctest InstallAndFindPackage: installs the build tree into a fresh prefix, then, using
# only that prefix (never the source tree's include/ or build/), checks what a user does:
#  - builds tests/install/consumer with find_package(dgen) and runs its programs: the
#    quickstart, a .lisp patch loaded and rendered through dgen::dgen_lisp, and every
#    ```cpp block of README.md and docs/*.md compiled and run as written;
#  - runs docs/PLUGIN.md's minimal host section as written: its ```lisp block is
#    synth.lisp, its ```c block host.c, its ```sh blocks run in order with $PREFIX set
#    (a ```c excerpt block is a declaration listing, not a program, and is skipped).
# Arguments (-D): BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR.
cmake_policy(VERSION 3.25)
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

# Writes the body of every block of `doc` fenced exactly as ```LANG to DIR/NAME_<n>.EXT
# (n from 1) and sets COUNT to the number of blocks.
function(extract_blocks doc lang dir name ext count)
  file(READ ${doc} text)
  set(fence "```${lang}\n")
  string(LENGTH "${fence}" fence_length)
  set(n 0)
  while(TRUE)
    string(FIND "${text}" "${fence}" start)
    if(start EQUAL -1)
      break()
    endif()
    math(EXPR start "${start} + ${fence_length}")
    string(SUBSTRING "${text}" ${start} -1 text)
    string(FIND "${text}" "\n```" end)
    math(EXPR end "${end} + 1")
    string(SUBSTRING "${text}" 0 ${end} block)
    string(SUBSTRING "${text}" ${end} -1 text)
    math(EXPR n "${n} + 1")
    file(WRITE ${dir}/${name}_${n}.${ext} "${block}")
  endwhile()
  set(${count} ${n} PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

set(snippets ${WORK_DIR}/snippets)
file(MAKE_DIRECTORY ${snippets})
file(GLOB docs ${SOURCE_DIR}/README.md ${SOURCE_DIR}/docs/*.md)
set(snippet_count 0)
foreach(doc ${docs})
  get_filename_component(doc_name ${doc} NAME_WE)
  extract_blocks(${doc} cpp ${snippets} doc_${doc_name} cpp n)
  math(EXPR snippet_count "${snippet_count} + ${n}")
endforeach()
if(snippet_count LESS 2)
  message(FATAL_ERROR "expected the C++ blocks of README.md and docs/TRAINING.md, found ${snippet_count}")
endif()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DQUICKSTART=${SOURCE_DIR}/examples/cpp/quickstart.cpp
    -DSNIPPETS=${snippets})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/quickstart)
run(${WORK_DIR}/build/render_patch ${SOURCE_DIR}/tests/install/consumer/tone.lisp)

# The standard library is installed beside the program, which finds it there
# (docs/LANGUAGE.md, "import").
if(NOT EXISTS ${prefix}/share/dgen/lib/std/filters.lisp OR NOT EXISTS ${prefix}/share/dgen/lib/std.lisp)
  message(FATAL_ERROR "cmake --install did not put the standard library in ${prefix}/share/dgen/lib")
endif()
if(EXISTS ${prefix}/bin/dgen)
  file(WRITE ${WORK_DIR}/std_voice.lisp "(import std)\n(out (svf-lp (saw (mtof 45)) 800 2) 1)\n")
  run(${prefix}/bin/dgen info ${WORK_DIR}/std_voice.lisp)
endif()
file(GLOB snippet_sources ${snippets}/*.cpp)
foreach(src ${snippet_sources})
  get_filename_component(name ${src} NAME_WE)
  run(${WORK_DIR}/build/${name})
endforeach()

# docs/PLUGIN.md, "A minimal host", in a directory of its own.
set(plugin ${WORK_DIR}/plugin)
file(MAKE_DIRECTORY ${plugin})
set(plugin_doc ${SOURCE_DIR}/docs/PLUGIN.md)
extract_blocks(${plugin_doc} lisp ${plugin} synth lisp lisp_count)
extract_blocks(${plugin_doc} c ${plugin} host c c_count)
extract_blocks(${plugin_doc} sh ${plugin} step sh sh_count)
if(NOT lisp_count EQUAL 1 OR NOT c_count EQUAL 1 OR sh_count LESS 2)
  message(FATAL_ERROR "PLUGIN.md: expected one lisp block, one c block and shell steps, "
                      "found ${lisp_count}, ${c_count}, ${sh_count}")
endif()
file(RENAME ${plugin}/synth_1.lisp ${plugin}/synth.lisp)
file(RENAME ${plugin}/host_1.c ${plugin}/host.c)
foreach(k RANGE 1 ${sh_count})
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PREFIX=${prefix} sh -e ${plugin}/step_${k}.sh
                  WORKING_DIRECTORY ${plugin} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    file(READ ${plugin}/step_${k}.sh step)
    message(FATAL_ERROR "PLUGIN.md step ${k} failed (${rc}):\n${step}\n${err}")
  endif()
endforeach()
file(SIZE ${plugin}/synth.f32 bytes)
if(NOT bytes EQUAL 102400)  # the host writes 100 blocks of 256 floats
  message(FATAL_ERROR "PLUGIN.md's host wrote ${bytes} bytes, expected 102400")
endif()
file(READ ${plugin}/synth.f32 head LIMIT 64 HEX)
if(head MATCHES "^0+$")
  message(FATAL_ERROR "PLUGIN.md's host wrote silence")
endif()
if(NOT EXISTS ${plugin}/out.wav)
  message(FATAL_ERROR "PLUGIN.md's dgen_host step wrote no out.wav")
endif()
