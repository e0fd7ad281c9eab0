# `cmake --install build --prefix P`: the tools, what they link into the
# libraries they write, and what programs using those libraries build with.
#
#   P/bin/xfc, xfc-opt, xfc-run
#   P/include/xfc/Runtime/*.h     xfc_runtime.h (the libraries' C interface),
#                                 weights_file.h, and the two internal headers
#                                 xfc compiles each library's glue against
#   P/include/xfc/Version.h
#   P/lib/libxfc_runtime.a, libxfc_cuda_runtime.a
#   P/lib/libxfc_compiler.so      the compiler as a library (xfc_compiler.h)
#   P/include/xfc/Compiler/xfc_compiler.h
#   P/lib/cmake/xfc/              find_package(xfc CONFIG): xfc::runtime,
#                                 xfc::compiler
#   P/lib/pkgconfig/xfc.pc
#
# xfc finds the runtime's headers and archives at bin/../include and
# bin/../lib, so these folders are fixed names (not GNUInstallDirs', which
# may be lib/x86_64-linux-gnu).

include(CMakePackageConfigHelpers)

set(XFC_BINDIR bin)
set(XFC_CMAKE_PACKAGE_DIR lib/cmake/xfc)

# xfc and xfc-opt: add_mlir_tool installs them in MLIR_TOOLS_INSTALL_DIR, bin
# (cmake/XFCBuild.cmake).
install(TARGETS xfc-run RUNTIME DESTINATION ${XFC_BINDIR})
# The installed tools load MLIR's and LLVM's shared libraries from where the
# build found them (Debian's /usr/lib/llvm-22/lib, outside the loader's path).
set_property(TARGET xfc xfc-opt APPEND PROPERTY INSTALL_RPATH "${LLVM_LIBRARY_DIR}")

install(TARGETS xfc_runtime xfc_cuda_runtime ARCHIVE DESTINATION lib)
# Beside the runtime, which it finds at its own ../bin/.. like xfc.
install(TARGETS xfc_compiler EXPORT xfcTargets LIBRARY DESTINATION lib)
set_property(TARGET xfc_compiler APPEND PROPERTY INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
set_target_properties(xfc_compiler PROPERTIES EXPORT_NAME compiler)
target_include_directories(xfc_compiler INTERFACE $<INSTALL_INTERFACE:include>)
install(FILES ${PROJECT_SOURCE_DIR}/include/xfc/Compiler/xfc_compiler.h
  DESTINATION include/xfc/Compiler)
install(FILES
  ${PROJECT_SOURCE_DIR}/include/xfc/Runtime/xfc_runtime.h
  ${PROJECT_SOURCE_DIR}/include/xfc/Runtime/weights_file.h
  ${PROJECT_SOURCE_DIR}/lib/Runtime/runtime_internal.h
  ${PROJECT_SOURCE_DIR}/lib/Runtime/thread_pool.h
  DESTINATION include/xfc/Runtime)
install(FILES ${PROJECT_BINARY_DIR}/include/xfc/Version.h DESTINATION include/xfc)

# xfc::runtime: the include folders of xfc_runtime.h (as <xfc_runtime.h> or
# <xfc/Runtime/xfc_runtime.h>) and dlopen's library, for programs that load
# or link a library xfc wrote.
add_library(xfc_runtime_interface INTERFACE)
set_target_properties(xfc_runtime_interface PROPERTIES EXPORT_NAME runtime)
target_include_directories(xfc_runtime_interface INTERFACE
  $<INSTALL_INTERFACE:include> $<INSTALL_INTERFACE:include/xfc/Runtime>)
target_link_libraries(xfc_runtime_interface INTERFACE ${CMAKE_DL_LIBS})
install(TARGETS xfc_runtime_interface EXPORT xfcTargets)
install(EXPORT xfcTargets NAMESPACE xfc:: DESTINATION ${XFC_CMAKE_PACKAGE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/xfcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/xfcConfig.cmake
  INSTALL_DESTINATION ${XFC_CMAKE_PACKAGE_DIR} PATH_VARS XFC_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/xfcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/xfcConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/xfcConfigVersion.cmake
        DESTINATION ${XFC_CMAKE_PACKAGE_DIR})

# Relative to its own folder, so it holds for any --prefix.
configure_file(${PROJECT_SOURCE_DIR}/cmake/xfc.pc.in ${PROJECT_BINARY_DIR}/cmake/xfc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/cmake/xfc.pc DESTINATION lib/pkgconfig)
