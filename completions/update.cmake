# cmake -DSBX=path/to/sbx -DDIR=completions -P update.cmake: rewrites the committed
# completion scripts from `sbx completion SHELL`.
foreach(pair "bash;sbx.bash" "zsh;_sbx" "fish;sbx.fish")
  list(GET pair 0 shell)
  list(GET pair 1 file)
  execute_process(COMMAND ${SBX} completion ${shell} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "`sbx completion ${shell}` failed (${rc})")
  endif()
  file(WRITE ${DIR}/${file}.tmp "${text}")
  file(COPY_FILE ${DIR}/${file}.tmp ${DIR}/${file} ONLY_IF_DIFFERENT)
  file(REMOVE ${DIR}/${file}.tmp)
  message(STATUS "completions/${file}")
endforeach()
