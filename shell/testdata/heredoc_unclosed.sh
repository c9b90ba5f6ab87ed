#!/bin/bash
# The last here-document has no delimiter line: bash warns and ends the
# body at end of file, so this is not a syntax error.
docker rm -f before
cat <<EOF > payload.json
{
  "note": "docker rm -f not-code",
  "url": "${SERVER}/${RUN_ID}"
}
