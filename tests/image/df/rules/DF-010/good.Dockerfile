FROM alpine:3.20
COPY --chmod=0755 helper /usr/local/bin/helper
RUN chmod 755 /usr/local/bin/helper && chmod u-s /bin/su && chmod -R g+rwX /data && chmod 1777 /scratch
USER 10001
