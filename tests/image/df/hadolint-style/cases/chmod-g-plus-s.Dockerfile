# source: dockle CIS-DI-0008 / issue 4 (setuid)
# expect: DF-010
FROM alpine:3.20
RUN chmod g+s /srv/shared
