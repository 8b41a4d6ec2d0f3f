// The language tables of signature reading (capture/signature.ts): phone labels, title words,
// company legal forms, "Title at Company" connectors, and the lines that are never a name, title or
// company — disclaimers, mobile footers, "consider the environment" notes, postal addresses.
// Languages: English, German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Norwegian,
// Danish, Finnish, Polish, Russian, Chinese, Japanese (and Arabic, read before these tables).
//
// Every matcher here reads at most MAX_CLASSIFIED_LINE characters of one line, folded once
// (lower case, no accents: storage/normalize `fold`), and looks words up in sets or fixed strings
// in it: linear in the line, whatever the line holds. Table entries are folded the same way when
// the module loads, so they are written here as people write them.
import { fold } from '../storage/normalize';

/** The part of a line the classifiers below read (a disclaimer tells what it is in its first words). */
export const MAX_CLASSIFIED_LINE = 300;

const folded = (s: string) => fold(s.length > MAX_CLASSIFIED_LINE ? s.slice(0, MAX_CLASSIFIED_LINE) : s);
const foldAll = (list: readonly string[]) => list.map((w) => fold(w));
const WORD_SPLIT = /[^\p{L}\p{N}]+/u;
const wordsOf = (f: string) => f.split(WORD_SPLIT).filter(Boolean);
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

// ------------------------------------------------------------------------------- phone labels

/** Phone labels by kind, multi-letter (any non-letter before them) and single-letter ("T:", "M +49"). */
// prettier-ignore
const PHONE_LABELS = {
  work: [
    'tel', 'tele', 'phone', 'ph', 'telephone', 'telefon', 'telefono', 'teléfono', 'téléphone', 'tél', 'telefone',
    'fone', 'office', 'direct', 'direkt', 'dir', 'work', 'büro', 'fon', 'festnetz', 'zentrale', 'centralino',
    'centralita', 'tlf', 'tfn', 'tf', 'puh', 'puhelin', 'vaihde', 'тел', 'телефон', 'раб', '電話', '电话', '座机', '直线',
    'هاتف', 'تلفون',
  ],
  mobile: [
    'mobile', 'mobil', 'mob', 'mobiel', 'mobiltelefon', 'cell', 'cellphone', 'cel', 'celular', 'cellulare', 'handy',
    'natel', 'portable', 'port', 'móvil', 'movil', 'telemóvel', 'telemovel', 'gsm', 'kom', 'komórka', 'komórkowy',
    'matkapuhelin', 'моб', 'мобильный', 'сот', 'сотовый', '携帯', '携帯電話', '手机', '手機', '移动电话', 'جوال', 'موبايل',
  ],
  fax: ['fax', 'telefax', 'faks', 'факс', 'ファックス', 'ファクス', '传真', '傳真', 'فاكس'],
};
const SINGLE_LETTER_LABELS = { work: ['t', 'p', 'o', 'd'], mobile: ['m', 'c'], fax: ['f'] };

const alternation = (list: readonly string[]) =>
  [...list]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');

/**
 * A phone label and what follows it up to the number. Groups 1–3: multi-letter work / mobile /
 * fax labels, then a colon, a dot or the number ("Tel.:", "Puh. 09…", "GSM 040…"); groups 4–6:
 * single letters, only after a space or a separator and only right before the number or the end
 * ("T: +49", "t. 555…", "M +49"; not "S.p.A.", "Sp. z o.o.", "M. Dupont", "Anna M Smith").
 * After the spaces, a colon or the number (not `(?=\s*[+(\d])`: quadratic on spaces).
 */
export const PHONE_LABEL_RE = new RegExp(
  '(?:^|[^\\p{L}])(?:' +
    `(${alternation(PHONE_LABELS.work)})|(${alternation(PHONE_LABELS.mobile)})|(${alternation(PHONE_LABELS.fax)})` +
    ')(?![\\p{L}])\\.?\\s*(?:[:.：]|(?=[+(\\d]))' +
    '|(?:^|[\\s|·•,;(/])(?:' +
    `(${alternation(SINGLE_LETTER_LABELS.work)})|(${alternation(SINGLE_LETTER_LABELS.mobile)})|(${alternation(SINGLE_LETTER_LABELS.fax)})` +
    ')(?:\\.|\\s*[:：])?\\s*(?=[+(\\d]|$)',
  'giu',
);

export type LabelKind = 'work' | 'mobile' | 'fax';

/** The kind of a PHONE_LABEL_RE match. */
export function labelKind(m: RegExpExecArray): LabelKind {
  if (m[3] || m[6]) return 'fax';
  if (m[2] || m[5]) return 'mobile';
  return 'work';
}

// -------------------------------------------------------------------------------- title words

/** Whole words that make a line a job title. */
// prettier-ignore
const TITLE_WORDS = new Set(
  foldAll([
    // English
    'manager', 'management', 'director', 'head', 'vp', 'svp', 'evp', 'president', 'officer', 'chief', 'ceo', 'cto',
    'cfo', 'coo', 'cmo', 'cro', 'cio', 'ciso', 'founder', 'co-founder', 'cofounder', 'owner', 'partner', 'principal',
    'consultant', 'specialist', 'analyst', 'engineer', 'engineering', 'developer', 'architect', 'designer', 'lead',
    'executive', 'representative', 'associate', 'assistant', 'coordinator', 'administrator', 'recruiter',
    'recruiting', 'talent', 'sales', 'marketing', 'account', 'procurement', 'purchasing', 'buyer', 'intern',
    'advisor', 'adviser', 'counsel', 'attorney', 'lawyer', 'accountant', 'controller', 'treasurer', 'secretary',
    'editor', 'professor', 'researcher', 'scientist', 'product', 'operations', 'success', 'support',
    // German
    'geschäftsführer', 'geschäftsführerin', 'leitung', 'vertrieb', 'einkauf', 'einkäufer', 'einkäuferin', 'referent',
    'referentin', 'sachbearbeiter', 'sachbearbeiterin', 'vorstand', 'prokurist', 'prokuristin', 'inhaber',
    'inhaberin', 'entwickler', 'entwicklerin', 'kundenbetreuer', 'kundenbetreuerin', 'gründer', 'gründerin',
    'mitarbeiter', 'mitarbeiterin',
    // French
    'directeur', 'directrice', 'responsable', 'chargé', 'chargée', 'gérant', 'gérante', 'commercial', 'commerciale',
    'ingénieur', 'ingénieure', 'conseiller', 'conseillère', 'fondateur', 'fondatrice', 'président', 'présidente',
    'associé', 'associée', 'assistante', 'ventes', 'achats', 'acheteur', 'acheteuse',
    // Spanish
    'gerente', 'jefe', 'jefa', 'ejecutivo', 'ejecutiva', 'directora', 'consultor', 'consultora', 'ventas', 'socio',
    'socia', 'fundador', 'fundadora', 'ingeniero', 'ingeniera', 'asesor', 'asesora', 'coordinador', 'coordinadora',
    'técnico', 'técnica', 'delegado', 'delegada', 'presidente', 'presidenta', 'comercial',
    // Italian
    'direttore', 'direttrice', 'responsabile', 'amministratore', 'amministratrice', 'delegato', 'consulente',
    'titolare', 'ingegnere', 'vendite', 'funzionario', 'fondatore', 'fondatrice', 'referente', 'capo', 'acquisti',
    // Portuguese
    'diretor', 'diretora', 'coordenador', 'coordenadora', 'engenheiro', 'engenheira', 'sócio', 'sócia', 'executivo',
    'executiva', 'vendas', 'assessor', 'assessora', 'supervisor', 'supervisora', 'analista', 'compras',
    // Dutch
    'directeur', 'eigenaar', 'adviseur', 'medewerker', 'verkoper', 'hoofd', 'bedrijfsleider', 'oprichter', 'inkoper',
    'verkoop', 'inkoop',
    // Swedish, Norwegian, Danish
    'vd', 'säljare', 'ansvarig', 'grundare', 'konsult', 'grunder', 'gründer', 'rådgiver', 'selger', 'konsulent',
    'daglig', 'direktør', 'ejer', 'medstifter', 'sælger', 'indkøber', 'salg',
    // Finnish
    'johtaja', 'päällikkö', 'asiantuntija', 'konsultti', 'insinööri', 'perustaja', 'yrittäjä', 'myyjä',
    'toimitusjohtaja',
    // Polish
    'dyrektor', 'dyrektorka', 'kierownik', 'kierowniczka', 'prezes', 'specjalista', 'specjalistka', 'menedżer',
    'handlowiec', 'doradca', 'konsultant', 'właściciel', 'właścicielka', 'inżynier', 'przedstawiciel', 'zarządu',
    'sprzedaży',
    // Russian
    'директор', 'руководитель', 'менеджер', 'начальник', 'специалист', 'генеральный', 'инженер', 'консультант',
    'основатель', 'заместитель', 'главный', 'ведущий', 'президент', 'владелец', 'отдела', 'продаж',
    // Arabic
    'مدير', 'مديرة', 'رئيس',
  ]),
);
/** Word endings of compound titles (German, Dutch, Nordic, Finnish): "Vertriebsleiter", "Försäljningschef". */
// prettier-ignore
const TITLE_SUFFIXES = foldAll([
  'manager', 'leiter', 'leiterin', 'berater', 'beraterin', 'ingenieur', 'ingenieurin', 'führer', 'führerin',
  'spezialist', 'chef', 'sjef', 'direktør', 'direktor', 'leder', 'ansvarig', 'konsult', 'johtaja', 'päällikkö',
  'asiantuntija', 'vastaava', 'säljare', 'sælger', 'selger',
]);
/** Titles in Chinese and Japanese, found anywhere in the line (no spaces between words). */
// prettier-ignore
const CJK_TITLES = foldAll([
  '部長', '課長', '係長', '主任', '社長', '取締役', '代表', '執行役員', '本部長', '室長', '営業', 'マネージャー', 'ディレクター', 'エンジニア', 'コンサルタント', '経理',
  '经理', '經理', '总监', '總監', '主管', '董事', '总裁', '總裁', '工程师', '工程師', '销售', '銷售', '顾问', '顧問', '创始人', '創辦人', '首席', '合伙人',
]);

export function looksLikeTitle(s: string): boolean {
  const f = folded(s);
  for (const w of wordsOf(f)) {
    if (TITLE_WORDS.has(w)) return true;
    for (const suffix of TITLE_SUFFIXES) if (w.endsWith(suffix)) return true;
  }
  return HAS_CJK.test(f) && CJK_TITLES.some((t) => f.includes(t));
}

// ------------------------------------------------------------------------------- legal forms

// Case-sensitive pieces of a pattern, each between non-letters: "GmbH", "S.p.A.", "Sp. z o.o.", "ООО".
// prettier-ignore
const LEGAL_FORMS = [
  'GmbH', 'gGmbH', 'mbH', 'AG', 'KG', 'KGaA', 'SE', 'OHG', 'UG', 'e\\.\\s?V\\.', 'e\\.\\s?K\\.', 'PartG', 'Inc\\.?',
  'Incorporated', 'LLC', 'L\\.L\\.C\\.', 'LLP', 'Ltd\\.?', 'Limited', 'Corp\\.?', 'Corporation', 'Co\\.', 'Company',
  'PLC', 'Pty', 'Pte', 'S\\.?A\\.?S?\\.?U?\\.?', 'SASU', 'SARL', 'EURL', 'SNC', 'S\\.?à\\s?r\\.?l\\.?',
  'S\\.?L\\.?U?\\.?', 'S\\.?r\\.?l\\.?', 'S\\.?p\\.?A\\.?', 'S\\.?n\\.?c\\.?', 'Lda\\.?', 'Ltda\\.?', 'S\\/A',
  'B\\.?V\\.?', 'N\\.?V\\.?', 'AB', 'A\\/S', 'ApS', 'AS', 'ASA', 'Oy', 'Oyj', 'Ab', 'Sp\\.\\s?z\\s?o\\.\\s?o\\.?',
  'sp\\.\\s?k\\.', 'sp\\.\\s?j\\.', 'ООО', 'ОАО', 'ЗАО', 'ПАО', 'АО', 'ИП', 'شركة', 'K\\.?K\\.?', 'Group', 'Gruppe',
  'Groupe', 'Grupo', 'Gruppo', 'Holding', 'Holdings', 'Labs', 'Technologies', 'Solutions', 'Partners', 'Consulting',
  'Systems', 'Software', 'Industries', 'Studio', 'Agency', 'Bank', 'University', 'Universität', 'Université',
  'Universidad', 'Università',
];
const LEGAL_FORM_RE = new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${LEGAL_FORMS.join('|')})(?=$|[^\\p{L}\\p{N}])`, 'u');
const CJK_LEGAL_FORMS = ['株式会社', '有限会社', '合同会社', '(株)', '（株）', '㈱', '有限公司', '股份有限公司', '集团', '集團', '公司'];

/** Whether a line names a company by its legal form or a company word ("Acme GmbH", "株式会社サンプル"). */
export function hasLegalForm(s: string): boolean {
  const line = s.length > MAX_CLASSIFIED_LINE ? s.slice(0, MAX_CLASSIFIED_LINE) : s;
  return LEGAL_FORM_RE.test(line) || (HAS_CJK.test(line) && CJK_LEGAL_FORMS.some((f) => line.includes(f)));
}

// ----------------------------------------------------------------- "Title at Company" connectors

/** Words between a title and its company that say "at" without doubt. */
const STRONG_CONNECTORS = ['at', '@', 'bei', 'chez', 'presso', 'bij', 'hos', 'på'];
/** Words that also mean "in": a company only when the right side looks like one. */
const WEAK_CONNECTORS = ['en', 'na', 'no', 'em', 'w', 'в', 'i'];
export const STRONG_CONNECTOR_RE = new RegExp(`\\s(?:${alternation(STRONG_CONNECTORS)})\\s`, 'i');
export const WEAK_CONNECTOR_RE = new RegExp(`\\s(?:${alternation(WEAK_CONNECTORS)})\\s`, 'i');

// ------------------------------------------------------------------- lines that are never a title

/** Openings and key words of confidentiality notices: the notice runs to the end of the signature. */
// prettier-ignore
const DISCLAIMER_MARKERS = foldAll([
  'this e-mail', 'this email', 'this message', 'this communication', 'confidential', 'privileged',
  'intended recipient', 'intended solely', 'intended only', 'disclaimer', 'if you have received this',
  'if you are not the', 'diese e-mail', 'diese email', 'diese nachricht', 'vertraulich', 'rechtlich geschützte',
  'haftungsausschluss', 'nicht der richtige adressat', 'irrtümlich erhalten', 'ce message', 'ce courriel', 'ce mail',
  'ce e-mail', 'confidentiel', 'pièces jointes', 'destinataire', 'este mensaje', 'este correo', 'este e-mail',
  'confidencial', 'destinatario', 'aviso legal', 'questo messaggio', 'questa e-mail', 'questa email', 'questa mail',
  'riservat', 'informazioni contenute', 'esta mensagem', 'este e-mail', 'confidenciais', 'destinatário',
  'deze e-mail', 'deze email', 'dit bericht', 'dit e-mailbericht', 'vertrouwelijk', 'geadresseerde',
  'detta e-postmeddelande', 'detta meddelande', 'detta mejl', 'konfidentiell', 'avsedd mottagare', 'denne e-post',
  'denne e-posten', 'denne e-mail', 'denne mail', 'denne meldingen', 'denne meddelelse', 'fortrolig',
  'konfidensiell', 'tämä viesti', 'tämä sähköposti', 'luottamuksellinen', 'luottamuksellisia', 'luottamuksellista',
  'ta wiadomość', 'niniejsza wiadomość', 'ten e-mail', 'poufn', 'это сообщение', 'данное сообщение',
  'настоящее сообщение', 'это письмо', 'данное письмо', 'конфиденциальн', '本邮件', '此邮件', '本電子郵件', '本郵件', '机密', '機密',
  '保密', 'このメール', '本メール', '秘密情報',
]);
/** "Please consider the environment before printing" and its kin. */
// prettier-ignore
const ENVIRONMENT_MARKERS = foldAll([
  'consider the environment', 'think before you print', 'before printing', 'save paper', 'an die umwelt',
  'vor dem ausdrucken', 'ausdrucken dieser', 'pensez à l’environnement', "pensez à l'environnement",
  "avant d'imprimer", 'avant d’imprimer', 'antes de imprimir', 'prima di stampare', "rispetta l'ambiente",
  'aan het milieu', 'voordat u deze', 'tänk på miljön', 'innan du skriver ut', 'tænk på miljøet', 'tenk på miljøet',
  'før du printer', 'før du skriver ut', 'ajattele ympäristöä', 'ennen tulostamista', 'pomyśl o środowisku',
  'zanim wydrukujesz', 'окружающей среде', 'перед печатью', '打印此邮件', '打印本邮件', '印刷する前に', '印刷前に',
]);
/** Mobile footers: a "sent" word and a device or app word on one short line ("Sent from my iPhone"). */
// prettier-ignore
const FOOTER_SENT_WORDS = new Set(
  foldAll([
    'sent', 'send', 'get', 'download', 'via', 'gesendet', 'holen', 'envoyé', 'envoye', 'obtenir', 'téléchargez',
    'enviado', 'enviada', 'obtener', 'obtenha', 'descarga', 'baixe', 'inviato', 'inviata', 'ottieni', 'scarica',
    'verzonden', 'verstuurd', 'downloaden', 'skickat', 'skickades', 'hämta', 'sendt', 'hent', 'få', 'lähetetty',
    'hanki', 'lataa', 'wysłane', 'wysłano', 'pobierz', 'отправлено', 'отправлено', 'скачайте', 'загрузите',
    'получить',
  ]),
);
// prettier-ignore
const FOOTER_DEVICE_WORDS = foldAll([
  'iphone', 'ipad', 'android', 'ios', 'outlook', 'blackberry', 'samsung', 'galaxy', 'mobile', 'smartphone', 'handy',
  'mobil', 'huawei', 'xiaomi', 'pixel', 'gmail', 'yahoo', 'windows', 'phone', 'телефон', 'мобильного', 'айфона',
]);
/** Chinese and Japanese footers, which write the words together: "发自我的iPhone", "iPhoneから送信". */
const CJK_FOOTERS = foldAll(['发自我的', '寄自我的', '从我的', '從我的', '发自', 'から送信', '傳送自', '获取适用于', '取得適用於']);
/** A mobile footer is short; a longer line with these words is a sentence. */
const MAX_FOOTER_CHARS = 80;

export function isDisclaimer(line: string): boolean {
  const f = folded(line);
  return DISCLAIMER_MARKERS.some((m) => f.includes(m));
}

export function isEnvironmentNote(line: string): boolean {
  const f = folded(line);
  return ENVIRONMENT_MARKERS.some((m) => f.includes(m));
}

export function isMobileFooter(line: string): boolean {
  if (line.length > MAX_FOOTER_CHARS) return false;
  const f = fold(line);
  if (HAS_CJK.test(f) && CJK_FOOTERS.some((m) => f.includes(m))) return true;
  const words = wordsOf(f);
  return words.some((w) => FOOTER_SENT_WORDS.has(w)) && words.some((w) => FOOTER_DEVICE_WORDS.some((d) => w.startsWith(d)));
}

// -------------------------------------------------------------------------------- postal addresses

/** Street words (whole words) that, with a number on the line, make it an address. */
// prettier-ignore
const STREET_WORDS = new Set(
  foldAll([
    'street', 'st', 'road', 'rd', 'avenue', 'ave', 'boulevard', 'blvd', 'lane', 'suite', 'floor', 'building',
    'straße', 'strasse', 'str', 'weg', 'platz', 'allee', 'gasse', 'damm', 'postfach', 'rue', 'av', 'bd', 'chemin',
    'place', 'quai', 'allée', 'cedex', 'bp', 'calle', 'avenida', 'avda', 'plaza', 'paseo', 'pza', 'carrer', 'planta',
    'piso', 'via', 'viale', 'piazza', 'corso', 'largo', 'vicolo', 'piano', 'rua', 'praça', 'travessa', 'andar',
    'sala', 'cep', 'straat', 'laan', 'plein', 'gracht', 'kade', 'singel', 'postbus', 'gatan', 'gata', 'vägen', 'väg',
    'torget', 'gate', 'veien', 'vei', 'vej', 'gade', 'plads', 'katu', 'kuja', 'polku', 'tori', 'ul', 'ulica',
    'aleja', 'plac', 'osiedle', 'ул', 'улица', 'пр', 'проспект', 'пер', 'переулок', 'д', 'дом', 'офис', 'стр',
    'корп',
  ]),
);
/** Endings of compound street names: "Friedrichstraße", "Storgatan", "Mannerheimintie". */
// prettier-ignore
const STREET_SUFFIXES = foldAll([
  'straße', 'strasse', 'str', 'weg', 'platz', 'allee', 'gasse', 'straat', 'laan', 'gracht', 'plein', 'gatan',
  'vägen', 'veien', 'vej', 'gade', 'katu', 'tie', 'kuja',
]);
const CJK_ADDRESS_MARKERS = ['〒', '丁目', '番地', '号', '號', '路', '街', '区', '區', '市', '省', '県', '都', '楼', '樓', '室'];

/** A line with a number and a street word, or a Chinese or Japanese address: never a title. */
export function looksLikeAddress(line: string): boolean {
  const f = folded(line);
  if (!/\d/.test(f) && !f.includes('〒')) return false;
  if (HAS_CJK.test(f) && CJK_ADDRESS_MARKERS.some((m) => f.includes(m))) return true;
  for (const w of wordsOf(f)) {
    if (STREET_WORDS.has(w)) return true;
    for (const s of STREET_SUFFIXES) if (w.length > s.length + 2 && w.endsWith(s)) return true;
  }
  return false;
}

/** Team or region words that follow a title after a comma ("Head of Sales, EMEA"): not a company. */
export const REGION_WORDS =
  /^(?:EMEA|APAC|APJ|LATAM|DACH|CEE|Nordics|Nordic|Benelux|Americas|North America|Europe|Asia|Germany|France|UK|US|USA|Global|International|Worldwide|International Sales)$/i;

// ------------------------------------------------------------------------ company register lines

/** Keys of the legal lines under a signature ("Sitz der Gesellschaft: Berlin", "KvK: …", "ИНН …"). */
// prettier-ignore
const REGISTER_KEYS = foldAll([
  'geschäftsführer', 'geschäftsführerin', 'geschäftsführung', 'sitz', 'sitz der gesellschaft', 'registergericht',
  'amtsgericht', 'handelsregister', 'ust-idnr', 'ust-id', 'vorstand', 'aufsichtsrat', 'vat', 'vat no', 'vat number',
  'registered office', 'registered in', 'company number', 'company no', 'directors', 'siret', 'siren', 'rcs',
  'capital', 'capital social', 'tva', 'p.iva', 'p. iva', 'partita iva', 'cf', 'cif', 'nif', 'kvk', 'btw', 'org.nr',
  'org nr', 'organisationsnummer', 'cvr', 'y-tunnus', 'nip', 'regon', 'krs', 'инн', 'огрн', 'кпп',
]);
const MAX_REGISTER_KEY = 24;

/** "Key: value" lines of the company's legal register data: never a title or a company line. */
export function isRegisterLine(line: string): boolean {
  const f = folded(line);
  const colon = f.indexOf(':');
  if (colon <= 0 || colon > MAX_REGISTER_KEY) return false;
  return REGISTER_KEYS.includes(f.slice(0, colon).trim());
}
