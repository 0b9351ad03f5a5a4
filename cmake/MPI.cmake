# Replications across machines with MPI (Debian's libopenmpi-dev). On when MPI is found; the
# program then runs alone too (without mpirun it is a single rank).
option(EXPOFLOW_MPI "Distribute replications over MPI ranks when MPI is available" ON)
if(EXPOFLOW_MPI)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    message(STATUS "expoflow: MPI found (${MPI_CXX_LIBRARY_VERSION_STRING}); replications can be spread over ranks")
  else()
    message(STATUS "expoflow: MPI not found; building without it")
    set(EXPOFLOW_MPI OFF)
  endif()
endif()
