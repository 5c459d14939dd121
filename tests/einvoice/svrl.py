#!/usr/bin/env python3
"""Helpers of tests/einvoice/run (the e-invoicing conformance layer).

  svrl.py break UBL_DIR CII_DIR   writes documents broken on purpose (neg-*.xml)
                                  beside the good ones, from one good document each
  svrl.py check DIR               reads the SVRL reports of DIR/out/{cen-ubl,
                                  peppol-ubl,cen-cii,cen-xrechnung}: every good document has a
                                  report with rules fired and no fatal failed-assert,
                                  every broken one is flagged with the rule it breaks,
                                  and the demo covers what the layer promises
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

SVRL = '{http://purl.oclc.org/dsdl/svrl}'
CBC = '{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}'
CAC = '{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}'
# what the demo data must cover (cli/demo.c: its VAT treatments and currencies)
CATEGORIES = {'S', 'E', 'AE', 'K', 'G', 'O'}
ZERO_DECIMAL, THREE_DECIMAL = {'JPY'}, {'KWD'}


def fail(msg):
    print('einvoice: FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def write(path, text):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def once(pattern, text, repl, what):
    """text with the first match of pattern replaced; fails when nothing matches"""
    out, n = re.subn(pattern, repl, text, count=1, flags=re.S)
    if n != 1:
        fail('cannot break the document on purpose: no ' + what)
    return out


def bump(m):
    """an amount + 1 (text stays a plain decimal)"""
    whole, _, frac = m.group(2).partition('.')
    return m.group(1) + str(int(whole) + 1) + ('.' + frac if frac else '') + m.group(3)


def good_doc(folder, must):
    for name in sorted(os.listdir(folder)):
        text = read(os.path.join(folder, name))
        if not name.startswith('neg-') and all(re.search(p, text, re.S) for p in must):
            return text
    fail('no document in %s has %s' % (folder, must))


def cmd_break(ubl_dir, cii_dir):
    """the broken documents and the rule each must break, in neg.json"""
    ubl = good_doc(ubl_dir, [r'^<\?xml[^>]*>\s*<Invoice ', r'<cbc:ID>S</cbc:ID>',
                             r'<cac:AccountingSupplierParty>.*?<cac:PartyTaxScheme>'])
    cii = good_doc(cii_dir, [r'<ram:TypeCode>380</ram:TypeCode>', r'<ram:CategoryCode>S</ram:CategoryCode>',
                             r'<ram:SellerTradeParty>.*?<ram:SpecifiedTaxRegistration>'])
    neg = {}
    write(os.path.join(ubl_dir, 'neg-no-seller-vat.xml'),
          once(r'(<cac:AccountingSupplierParty>.*?)<cac:PartyTaxScheme>.*?</cac:PartyTaxScheme>\n', ubl,
               r'\1', 'seller VAT id'))
    neg['cen-ubl/neg-no-seller-vat.xml'] = 'BR-S-02'
    write(os.path.join(ubl_dir, 'neg-wrong-total.xml'),
          once(r'(<cbc:TaxInclusiveAmount currencyID="[A-Z]{3}">)(-?[0-9.]+)(</cbc:TaxInclusiveAmount>)', ubl,
               bump, 'TaxInclusiveAmount'))
    neg['cen-ubl/neg-wrong-total.xml'] = 'BR-CO-15'
    write(os.path.join(ubl_dir, 'neg-no-buyer-endpoint.xml'),
          once(r'(<cac:AccountingCustomerParty>\n<cac:Party>\n)<cbc:EndpointID[^>]*>[^<]*</cbc:EndpointID>\n', ubl,
               r'\1', 'buyer EndpointID'))
    neg['peppol-ubl/neg-no-buyer-endpoint.xml'] = 'PEPPOL-EN16931-R010'
    write(os.path.join(cii_dir, 'neg-wrong-total.xml'),
          once(r'(<ram:GrandTotalAmount>)(-?[0-9.]+)(</ram:GrandTotalAmount>)', cii, bump, 'GrandTotalAmount'))
    neg['cen-cii/neg-wrong-total.xml'] = 'BR-CO-15'
    write(os.path.join(cii_dir, 'neg-no-seller-vat.xml'),
          once(r'(<ram:SellerTradeParty>.*?)<ram:SpecifiedTaxRegistration>.*?</ram:SpecifiedTaxRegistration>\n', cii,
               r'\1', 'seller VAT id'))
    neg['cen-cii/neg-no-seller-vat.xml'] = 'BR-S-02'
    write(os.path.join(os.path.dirname(ubl_dir.rstrip('/')), 'neg.json'), json.dumps(neg))


def report(path):
    root = ET.parse(path).getroot()
    fired = len(root.findall('.//' + SVRL + 'fired-rule'))
    fatal, warn = [], 0
    for fa in root.iter(SVRL + 'failed-assert'):
        if fa.get('flag') == 'fatal':
            text = ''.join(fa.itertext()).strip()
            fatal.append((fa.get('id'), text[:160], fa.get('location', '')))
        else:
            warn += 1
    return fired, fatal, warn


def coverage(ubl_dir):
    cats, curs, kinds, non_ascii = set(), set(), set(), 0
    for name in os.listdir(ubl_dir):
        if name.startswith('neg-'):
            continue
        root = ET.parse(os.path.join(ubl_dir, name)).getroot()
        kinds.add(root.tag.split('}')[1])
        curs.add(root.findtext(CBC + 'DocumentCurrencyCode'))
        for tc in root.iter(CAC + 'ClassifiedTaxCategory'):
            cats.add(tc.findtext(CBC + 'ID'))
        names = ' '.join(n.text or '' for n in root.iter(CBC + 'RegistrationName'))
        non_ascii += any(ord(ch) > 127 for ch in names)
    missing = []
    if kinds != {'Invoice', 'CreditNote'}:
        missing.append('invoices and credit notes (have %s)' % sorted(kinds))
    if not CATEGORIES <= cats:
        missing.append('VAT categories %s' % sorted(CATEGORIES - cats))
    if not (ZERO_DECIMAL & curs) or not (THREE_DECIMAL & curs) or len(curs) < 4:
        missing.append('0- and 3-decimal currencies among several (have %s)' % sorted(curs))
    if not non_ascii:
        missing.append('a party name beyond ASCII')
    if missing:
        fail('the demo data does not cover: ' + '; '.join(missing))
    return cats, curs, kinds, non_ascii


def cmd_check(top):
    neg = json.loads(read(os.path.join(top, 'neg.json')))
    sets = {'cen-ubl': 'ubl', 'peppol-ubl': 'ubl', 'cen-cii': 'cii', 'cen-xrechnung': 'xr'}
    problems = []
    for rs, src in sets.items():
        inputs = sorted(n for n in os.listdir(os.path.join(top, src)) if n.endswith('.xml'))
        out = os.path.join(top, 'out', rs)
        docs = fired_total = warn_total = 0
        for name in inputs:
            path = os.path.join(out, name)
            key = rs + '/' + name
            if not os.path.exists(path):
                if name.startswith('neg-') and key not in neg:
                    continue
                problems.append('%s: no report for %s' % (rs, name))
                continue
            fired, fatal, warn = report(path)
            if fired == 0:
                problems.append('%s: no rule fired on %s (wrong syntax or rule set?)' % (rs, name))
            if name.startswith('neg-'):
                if key in neg and neg[key] not in {f[0] for f in fatal}:
                    problems.append('%s: %s was not flagged with %s (fatal: %s)'
                                    % (rs, name, neg[key], sorted({f[0] for f in fatal})))
                continue
            docs += 1
            fired_total += fired
            warn_total += warn
            for rid, text, loc in fatal:
                problems.append('%s: %s: %s %s at %s' % (rs, name, rid, text, loc))
        if docs == 0:
            problems.append('%s: no documents validated' % rs)
        print('einvoice: %-13s %4d documents, %6d rules fired, 0 fatal expected, %d warnings'
              % (rs, docs, fired_total, warn_total))
    cats, curs, kinds, non_ascii = coverage(os.path.join(top, 'ubl'))
    print('einvoice: covered: %s; VAT categories %s; currencies %s; %d documents with non-ASCII names'
          % (' and '.join(sorted(kinds)), ' '.join(sorted(cats)), ' '.join(sorted(curs)), non_ascii))
    print('einvoice: broken on purpose and flagged: %s' % ', '.join('%s %s' % kv for kv in sorted(neg.items())))
    if problems:
        for p in problems[:60]:
            print('  ' + p, file=sys.stderr)
        fail('%d problems (first 60 above)' % len(problems))


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'break':
        cmd_break(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'check':
        cmd_check(sys.argv[2])
    else:
        fail('usage: svrl.py break UBL_DIR CII_DIR | svrl.py check DIR')
