# Warnings for the project's own targets; -Werror only when asked (CI asks).
function(ttnn_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(TTNN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
