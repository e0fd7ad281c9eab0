# Build helpers shared by every xfc target.

# Where add_mlir_tool installs xfc and xfc-opt (cmake/XFCInstall.cmake: the rest).
set(MLIR_TOOLS_INSTALL_DIR bin)

# One precompiled header of the MLIR headers nearly every file includes. It is
# built once (by xfc_pch) and reused by each library, which cuts a source
# file's compile time several times over.
add_library(xfc_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
target_precompile_headers(xfc_pch PRIVATE ${CMAKE_SOURCE_DIR}/cmake/XFCPrecompiled.h)
set_target_properties(xfc_pch PROPERTIES POSITION_INDEPENDENT_CODE ON)
# The flags LLVM's target helpers give every library and tool (LLVM is built
# without exceptions); a reused PCH must be built with the same ones.
target_compile_options(xfc_pch PRIVATE -fno-exceptions -funwind-tables)

# Code generation sources also include the Linalg, Tensor, Arith and Math
# headers (the heaviest MLIR has); they get a larger header of their own.
add_library(xfc_codegen_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
target_precompile_headers(xfc_codegen_pch PRIVATE
  ${CMAKE_SOURCE_DIR}/cmake/XFCCodegenPrecompiled.h)
set_target_properties(xfc_codegen_pch PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_options(xfc_codegen_pch PRIVATE -fno-exceptions -funwind-tables)

# xfc_use_pch(TARGET [codegen])
function(xfc_use_pch target)
  if(ARGV1 STREQUAL "codegen")
    target_precompile_headers(${target} REUSE_FROM xfc_codegen_pch)
  else()
    target_precompile_headers(${target} REUSE_FROM xfc_pch)
  endif()
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# An xfc library: MLIR's conventions (tablegen dependencies, warnings) over
# the MLIR and LLVM shared libraries. `PCH codegen` picks the larger header.
function(add_xfc_library name)
  cmake_parse_arguments(ARG "" "PCH" "" ${ARGN})
  # The compiler's own parts: linked into the tools, not installed.
  add_mlir_library(${name} STATIC DISABLE_INSTALL ${ARG_UNPARSED_ARGUMENTS}
                   LINK_LIBS PUBLIC MLIR LLVM)
  # add_mlir_library compiles the sources in an object library of its own.
  if(TARGET obj.${name})
    xfc_use_pch(obj.${name} ${ARG_PCH})
  else()
    xfc_use_pch(${name} ${ARG_PCH})
  endif()
  set_property(GLOBAL APPEND PROPERTY XFC_LIBS ${name})
endfunction()
