# source: Trivy DS002 / issue 4 (USER through ARG)
# expect: DF-005
FROM debian:12
ARG RUNAS=root
USER ${RUNAS}
