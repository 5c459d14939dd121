#!/usr/bin/env python3
"""Parses each message file named on the command line with Python's email
module (strict policy: defects are errors) and prints one JSON object per
message: headers decoded, the text and HTML parts decoded, the defects."""
import json
import sys
from email import policy
from email.parser import BytesParser

out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        raw = f.read()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    parts = {}
    defects = [str(d) for d in msg.defects]
    for part in msg.walk():
        defects += [str(d) for d in part.defects]
        if part.get_content_maintype() == 'text':
            parts[part.get_content_type()] = {
                'text': part.get_content(),
                'charset': part.get_content_charset(),
                'cte': part.get('Content-Transfer-Encoding'),
            }
    out.append({
        'file': path,
        'from': str(msg['From']), 'to': str(msg['To']), 'subject': str(msg['Subject']),
        'date': str(msg['Date']), 'message_id': str(msg['Message-ID']),
        'mime_version': str(msg['MIME-Version']), 'type': msg.get_content_type(),
        'parts': parts, 'defects': defects,
        'max_line': max((len(l) for l in raw.split(b'\n')), default=0),
    })
json.dump(out, sys.stdout)
