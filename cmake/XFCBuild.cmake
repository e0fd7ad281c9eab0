# Build helpers shared by every xfc target.

# One precompiled header of the MLIR headers nearly every file includes. It is
# built once (by xfc_pch) and reused by each library, which cuts a source
# file's compile time several times over.
add_library(xfc_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
target_precompile_headers(xfc_pch PRIVATE ${CMAKE_SOURCE_DIR}/cmake/XFCPrecompiled.h)
set_target_properties(xfc_pch PROPERTIES POSITION_INDEPENDENT_CODE ON)
# The flags LLVM's target helpers give every library and tool (LLVM is built
# without exceptions); a reused PCH must be built with the same ones.
target_compile_options(xfc_pch PRIVATE -fno-exceptions -funwind-tables)

function(xfc_use_pch target)
  target_precompile_headers(${target} REUSE_FROM xfc_pch)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# An xfc library: MLIR's conventions (tablegen dependencies, warnings) over
# the MLIR and LLVM shared libraries.
function(add_xfc_library name)
  add_mlir_library(${name} STATIC ${ARGN} LINK_LIBS PUBLIC MLIR LLVM)
  # add_mlir_library compiles the sources in an object library of its own.
  if(TARGET obj.${name})
    xfc_use_pch(obj.${name})
  else()
    xfc_use_pch(${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY XFC_LIBS ${name})
endfunction()
