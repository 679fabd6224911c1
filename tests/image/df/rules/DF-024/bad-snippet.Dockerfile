COPY --from=build "/" "/"
