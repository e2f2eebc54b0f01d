# Writes what the dependency check (scripts/check_deps.py) needs to know about
# the build, taken from CMake itself so that moving a folder or adding a
# library needs no second list: every target of the project with its type, its
# sources and headers (relative to the source root), the targets it links
# (LINK_LIBRARIES) and those it passes on to its users
# (INTERFACE_LINK_LIBRARIES without $<LINK_ONLY:...>, i.e. its PUBLIC and
# INTERFACE dependencies), imported ones included; and, for each imported
# target named after EXTERNAL, the headers it provides ("systemc" is the header
# <systemc>, "tlm_utils/" every header under tlm_utils/), so that an include of
# <systemc> needs a link to SystemC::systemc like a project header needs its
# library. An imported target that does not exist is skipped.
#
#   include(TokenfabDependencyMap)
#   cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR}
#     CALL tokenfab_write_dependency_map ${PROJECT_BINARY_DIR}/tokenfab_targets.json
#          EXTERNAL "SystemC::systemc=systemc,tlm,tlm_utils/" "Eigen3::Eigen=Eigen/")
#
# Call it when the top-level CMakeLists.txt ends (DEFER, or last): it reads the
# targets' final properties. The file is rewritten only when its content changes.
include_guard(GLOBAL)

function(_tokenfab_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _tokenfab_collect_targets(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# The target a link item names, an alias resolved (imported targets included),
# or "" when it is not a target or is a generator expression.
function(_tokenfab_link_target item out)
  set(result "")
  if(NOT item MATCHES "^\\$<" AND NOT item MATCHES "^::@" AND TARGET "${item}")
    get_target_property(aliased "${item}" ALIASED_TARGET)
    if(aliased)
      set(item ${aliased})
    endif()
    set(result ${item})
  endif()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# The targets a link property of target names.
function(_tokenfab_linked_targets target property out)
  set(result "")
  get_target_property(items ${target} ${property})
  foreach(item IN LISTS items)
    _tokenfab_link_target("${item}" linked)
    if(linked)
      list(APPEND result ${linked})
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# A JSON array of quoted strings.
function(_tokenfab_json_array out)
  set(items "")
  foreach(item IN LISTS ARGN)
    string(REPLACE "\\" "\\\\" item "${item}")
    string(REPLACE "\"" "\\\"" item "${item}")
    list(APPEND items "\"${item}\"")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

function(tokenfab_write_dependency_map path)
  cmake_parse_arguments(ARG "" "" "EXTERNAL" ${ARGN})
  set(externals "")
  foreach(external IN LISTS ARG_EXTERNAL)
    if(NOT external MATCHES "^([^=]+)=(.+)$")
      message(FATAL_ERROR "EXTERNAL ${external}: expected <imported target>=<header>,<header>,...")
    endif()
    set(name ${CMAKE_MATCH_1})
    string(REPLACE "," ";" headers "${CMAKE_MATCH_2}")
    _tokenfab_link_target("${name}" imported)
    if(imported)
      _tokenfab_json_array(headers_json ${headers})
      list(APPEND externals "    \"${imported}\": ${headers_json}")
    endif()
  endforeach()
  list(JOIN externals ",\n" externals_body)

  _tokenfab_collect_targets(${PROJECT_SOURCE_DIR} targets)
  set(entries "")
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "UTILITY")
      continue()
    endif()
    # The name users write: tokenfab::core for tokenfab_core.
    set(display ${target})
    if(target MATCHES "^tokenfab_(.+)$")
      set(alias tokenfab::${CMAKE_MATCH_1})
      if(TARGET ${alias})
        get_target_property(aliased ${alias} ALIASED_TARGET)
        if(aliased STREQUAL target)
          set(display ${alias})
        endif()
      endif()
    endif()

    get_target_property(source_dir ${target} SOURCE_DIR)
    get_target_property(sources ${target} SOURCES)
    set(files "")
    foreach(source IN LISTS sources)
      if(source MATCHES "^\\$<")
        continue()
      endif()
      get_filename_component(absolute "${source}" ABSOLUTE BASE_DIR ${source_dir})
      file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${absolute})
      if(NOT relative MATCHES "^\\.\\./")
        list(APPEND files ${relative})
      endif()
    endforeach()

    _tokenfab_linked_targets(${target} LINK_LIBRARIES links)
    _tokenfab_linked_targets(${target} INTERFACE_LINK_LIBRARIES interface)

    _tokenfab_json_array(files_json ${files})
    _tokenfab_json_array(links_json ${links})
    _tokenfab_json_array(interface_json ${interface})
    list(APPEND entries
      "    \"${target}\": {\"name\": \"${display}\", \"type\": \"${type}\",\n     \"sources\": ${files_json},\n     \"links\": ${links_json},\n     \"interface_links\": ${interface_json}}")
  endforeach()
  list(JOIN entries ",\n" body)
  set(TOKENFAB_DEPENDENCY_MAP
    "{\n  \"targets\": {\n${body}\n  },\n  \"external_headers\": {\n${externals_body}\n  }\n}\n")
  file(CONFIGURE OUTPUT ${path} CONTENT "@TOKENFAB_DEPENDENCY_MAP@" @ONLY)
endfunction()
