#!/usr/bin/env node
// Anonymizes the real LinkedIn pages kept in ../shared/fixtures/linkedin/ (the shared folder beside the repository) into the project's own
// test fixtures (tests/fixtures/linkedin/), keeping the DOM structure, tags, class names and the
// attributes that parsers hook on, and replacing everything that could identify a person.
//
//   node scripts/anonymize-linkedin.mjs [--src <dir>] [--out <dir>] [--report <file>]
//
// How it works (default-deny):
//  1. A fixed mapping table (MAPPING) turns the real values a parser must extract (names, public
//     ids, employers, schools, places, headlines, distinctive titles) into invented ones. It was
//     built by reading the pages; the fakes are what tests/fixtures/linkedin/expected.json lists.
//  2. Every text node and every human-readable attribute (alt, title, aria-label, placeholder,
//     meta content…) is then cut into protected pieces — the fakes from step 1, LinkedIn's own UI
//     wording (UI_EXACT / UI_PHRASES), dates, durations and counts (UI_PATTERNS) — and the gaps
//     between them. Any gap holding a letter that is not a plain connector word (SAFE_WORDS) is
//     replaced by an invented value: a made-up person-like name for short capitalized text, lorem
//     ipsum otherwise. The same original always gets the same replacement (consistent across all
//     pages), and replacements are numbered by first appearance, never derived from the original
//     (no hash that could be reversed by guessing).
//  3. URLs are rebuilt: /in/<id> → mapped or `member-N`, /company/… and other path slugs →
//     `company-N` / `anon-N`, profile and logo images → a fake media.licdn.com path, query values
//     other than tracking codes → `anonN`, other sites → https://example.com/anonymized/N.
//     static.licdn.com assets are kept (they are LinkedIn's, not a person's).
//  4. Member ids, URNs, UUIDs and opaque tokens anywhere else in attributes are replaced.
//  5. Inline <script> bodies are removed (JSON-LD is rebuilt from its anonymized strings); the
//     content of every <code> element (LinkedIn's embedded JSON, which also lists *other* people)
//     is replaced by invented JSON with decoy public identifiers.
//  6. Finally the output is checked for every original string that was replaced; a leak aborts.
//
// Nothing real is printed: messages name files and fake values only. `--report` writes the list of
// replaced originals to a file of your choice for review (it contains real data: keep it out of
// the repository).
import { JSDOM } from 'jsdom';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SRC = path.resolve(arg('--src', '../shared/fixtures/linkedin'));
const OUT = path.resolve(arg('--out', path.join(here, '..', 'tests', 'fixtures', 'linkedin')));
const REPORT = arg('--report', null);

// ---------------------------------------------------------------------------------------------
// Where each page came from (from the shared fixtures README).

const SOURCES = {
  'scoutr-loggedin-profile1-2024-07.html': {
    captured: '2024-07',
    kind: 'logged-in /in/ profile, every field present (<head> removed upstream)',
    source: 'elalienx/scoutr@1b3d7556:backend/src/scan-profile/transform/test-websites/profile1.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-loggedin-profile2-2024-07.html': {
    captured: '2024-07',
    kind: 'logged-in /in/ profile, private photo, long job title',
    source: 'elalienx/scoutr@1b3d7556:backend/src/scan-profile/transform/test-websites/profile2.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-loggedin-profile3-2024-07.html': {
    captured: '2024-07',
    kind: 'logged-in /in/ profile, company without logo',
    source: 'elalienx/scoutr@1b3d7556:backend/src/scan-profile/transform/test-websites/profile3.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-guest-public-profile1-2024-03.html': {
    captured: '2024-03',
    kind: 'logged-out public profile (public_profile_v3_desktop)',
    source: 'elalienx/scoutr@bcad66e7:src/transform/test-data/profile1.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-guest-public-profile2-2024-03.html': {
    captured: '2024-03',
    kind: 'logged-out public profile (public_profile_v3_desktop), no photo',
    source: 'elalienx/scoutr@5b45eb30:src/transform/test-data/profile2.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-guest-private-profile-2024-06.html': {
    captured: '2024-06',
    kind: '"Profile Not Found" page',
    source: 'elalienx/scoutr@84ff96a7:backend/src/extract-profile/transform/test-data/profilePrivate.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'scoutr-authwall-banned-page-2024-06.html': {
    captured: '2024-06',
    kind: 'anti-bot / auth-wall page (meta refresh, obfuscated script)',
    source: 'elalienx/scoutr@4c3e7769:backend/src/extract-profile/transform/test-data/bannedPage.ts',
    license: 'Unlicense (LICENSE-scoutr-Unlicense.txt)',
  },
  'yatish27-jeffweiner08-public-profile-2016.html': {
    captured: '~2016',
    kind: 'obsolete pre-redesign public profile',
    // The upstream file is named after the subject's public id: not repeated here.
    source: 'yatish27/linkedin-scraper@d7b46064:spec/fixtures/ (the page named after its subject; see the shared fixtures README)',
    license: 'MIT (LICENSE-yatish27-MIT.txt)',
  },
};

const LICENSE_FILES = ['LICENSE-scoutr-Unlicense.txt', 'LICENSE-yatish27-MIT.txt'];

// ---------------------------------------------------------------------------------------------
// 1. The mapping table: real → invented. Longest keys are applied first.

/** Public identifiers (the /in/<id>/ part), lowercase. */
const ID_MAP = {
  'eduardo-alvarez-nowak': 'mateo-quintero-vale',
  'sri-lalitha-jeevanige-35520a61': 'anika-devi-marlow-7f3c21b0',
  abgargulo: 'karimadler',
  jeffweiner08: 'danawhitfield08',
  ivanahmadfatoni: 'quinnmissing404',
};

const MAPPING = [
  // — profile A (logged-in profile1, public profile1)
  ['Eduardo Alvarez Nowak', 'Mateo Quintero Vale'],
  ['Alvarez Nowak', 'Quintero Vale'],
  ['Eduardo', 'Mateo'],
  [
    'Tech Education Lead, Tech Expert & Frontend Dev at Novare Potential',
    'Learning Programme Lead, Web Mentor & UI Developer at Brightwell Academy',
  ],
  ['Tech Education Team Lead', 'Learning Programme Lead'],
  ['Head of the Digital Media Department', 'Head of the Online Content Department'],
  ['Head Of Digital Media', 'Head Of Online Content'],
  ['Novare Potential', 'Brightwell Academy'],
  ['Novare', 'Brightwell'],
  ['KTH Royal Institute of Technology', 'Northfield Institute of Technology'],
  ['KTH', 'NIT'],
  ['CheVera Producción Sólida', 'Cielo Estudio Creativo'],
  ['Bu Multimedia', 'Pixelgrove Media'],
  ['TC Televisión', 'Canal Nueve Televisión'],
  ['TC Television', 'Canal Nueve Television'],
  ['Maruri Grey', 'Harbor Lane Agency'],
  ['Universidad de Guayaquil', 'Universidad del Puerto'],
  ['IGAD', 'ISDA'],
  ['Arts, Entertainment, and Media Management', 'Media Production and Management'],
  ['Graphic Design', 'Visual Communication'],
  ['Infographics', 'Data Illustration'],
  // — profile B (logged-in profile2, public profile2)
  ['Parimala Sri Lalitha Jeevanige', 'Priya Anika Devi Marlow'],
  ['Sri Lalitha Jeevanige', 'Anika Devi Marlow'],
  ['Sri Lalitha', 'Anika Devi'],
  ['Lalitha', 'Devi'],
  ['Jeevanige', 'Marlow'],
  ['Parimala', 'Priya'],
  [
    'SAFe certified Scrum Master @ Swedbank | Pega Senior System Architect',
    'Certified Delivery Lead @ Fjordbank | Workflow Platform Architect',
  ],
  ['Scrum Master - Software Engineer', 'Delivery Lead - Software Engineer'],
  ['Swedbank', 'Fjordbank'],
  ['Accenture', 'Kestrel Consulting'],
  ['Tata Consultancy Services', 'Meridian Consultancy Services'],
  ['SASTRA University', 'Eastvale University'],
  ['Bhashyam Public School', 'Greenleaf Public School'],
  [
    'Bachelor of Technology (BTech), Electronics and Communication Engineering',
    'Bachelor of Technology (BTech), Signal Systems Engineering',
  ],
  // — profile C (logged-in profile3)
  ['Abgar Gulo', 'Karim Adler'],
  ['Abgar', 'Karim'],
  ['Gulo', 'Adler'],
  ['Board member of Mobvilla AB', 'Board member of Tinderbox AB'],
  ['Member Of The Management Board & Partner', 'Management Board Member & Partner'],
  ['Member of the Board', 'Board Member'],
  ['Board Of Directors & Key Account Manager', 'Director & Key Account Lead'],
  ['Employer consultant', 'Employer liaison'],
  ['Recruitjob.se', 'Hireloop.se'],
  ['Work&Coaching i Sverige AB', 'Stepwise Coaching i Norden AB'],
  ['Work&Coaching AB', 'Stepwise Coaching AB'],
  ['Mobvilla AB', 'Tinderbox AB'],
  ['Mobvilla', 'Tinderbox'],
  ['Arbetsförmedlingen', 'Arbetsbyrån Norr'],
  ['University of Nebraska-Lincoln', 'University of Westbrook'],
  ['TUC Sweden AB', 'Keystone Training AB'],
  ['BSBA, Business Administration and Management, General', 'BSBA, Business Administration'],
  ['Key Account Manager Certification, Key Account Management', 'Account Leadership Certificate, Account Management'],
  // — profile D (2016 public profile)
  ['Jeff Weiner', 'Dana Whitfield'],
  ['Jeff', 'Dana'],
  ['Weiner', 'Whitfield'],
  ['CEO at LinkedIn', 'CEO at Networkly'],
  ['Executive Vice President Network Division', 'Executive Vice President Portal Division'],
  ['Vice President Online', 'Vice President Digital'],
  ['DonorsChoose.org', 'ClassGive.org'],
  ['DonorsChoose', 'ClassGive'],
  ['Intuit', 'Ledgerline'],
  ['Accel Partners', 'Anvil Partners'],
  ['Greylock Partners', 'Graystone Partners'],
  ['Greylock', 'Graystone'],
  ['Yahoo!', 'Yodel!'],
  ['Malaria No More', 'Fever No More'],
  ['Boys & Girls Clubs of the Peninsula', 'Youth Clubs of the Bay'],
  ['Venture For America', 'Venture For Everyone'],
  ['Windsor Media', 'Castleton Media'],
  ['Warner Bros.', 'Marbury Studios'],
  ['Braxton Associates', 'Halden Associates'],
  // — places
  ['Greater Stockholm Metropolitan Area', 'Greater Lakeside Metropolitan Area'],
  ['Stockholm Metropolitan Area', 'Lakeside Metropolitan Area'],
  ['Sundbyberg, Stockholm County, Sweden', 'Birchwood, Lakeside County, Nordland'],
  ['Stockholm, Stockholm County, Sweden', 'Lakeside, Lakeside County, Nordland'],
  ['Stockholm County, Sweden', 'Lakeside County, Nordland'],
  ['Stockholm, Sweden', 'Lakeside, Nordland'],
  ['Sodertalje, Sweden', 'Southmere, Nordland'],
  ['Hyderabad Area, India', 'Riverton Area, Westmark'],
  ['San Francisco Bay Area', 'Harbor City Bay Area'],
  ['Greater New York City Area', 'Greater Eastport Area'],
  ['United States', 'Federated States'],
  ['Stockholm', 'Lakeside'],
  ['Sweden', 'Nordland'],
  ['Guayaquil', 'Puerto Claro'],
  ['Ecuador', 'Costa Verde'],
  ['Hyderabad', 'Riverton'],
  ['India', 'Westmark'],
  // — public ids (also rewritten inside URLs by anonUrl)
  ...Object.entries(ID_MAP),
];

/** Per-page replacements that a plain string mapping cannot express. */
const OVERRIDES = {
  // The 2016 subject's employer is LinkedIn itself: rename it where it is the employer only
  // (the word is LinkedIn's UI everywhere else).
  'yatish27-jeffweiner08-public-profile-2016.html': (doc) => {
    for (const el of doc.querySelectorAll('#topcard .extra-info a, #experience .item-subtitle a, #experience .item-subtitle')) {
      if (el.children.length === 0 && el.textContent.trim() === 'LinkedIn') el.textContent = 'Networkly';
    }
    for (const img of doc.querySelectorAll('#experience img[alt="LinkedIn"]')) img.setAttribute('alt', 'Networkly');
  },
};
const OVERRIDE_FAKES = ['Networkly'];

// ---------------------------------------------------------------------------------------------
// 2. What is kept: LinkedIn's own wording.

/** Whole text (after trimming and collapsing white space) kept as is. */
const UI_EXACT = new Set([
  // generic job titles and degrees (not identifying once names, employers and places are fake)
  'Research Engineer',
  'General Manager',
  'Project Lead',
  'Front End Lead',
  'Frontend Developer',
  'Software Engineer',
  'Senior System Software Engineer',
  'Systems Engineer',
  'Co-Founder',
  'CEO',
  'Member, Board of Directors',
  'Member, Advisory Board',
  'Executive in Residence',
  'Founding Partner',
  'Senior Analyst',
  "Master's degree",
  "Bachelor's degree",
  'Mentor',
  'Internet',
  // languages and proficiency
  'English',
  'Spanish',
  'Swedish',
  'French',
  'German',
  'Professional working proficiency',
  'Native or bilingual proficiency',
  'Full professional proficiency',
  'Limited working proficiency',
  'Elementary proficiency',
  // top bar, buttons, section titles
  'Connect',
  'Follow',
  'Following',
  'Message',
  'More',
  'Me',
  'Home',
  'Jobs',
  'Messaging',
  'Notifications',
  'My Network',
  'For Business',
  'Search',
  'Learning',
  'People',
  'Articles',
  'Join',
  'Join now',
  'Join Now',
  'Sign in',
  'Sign In',
  'Sign Up',
  'Show',
  'Or',
  'or',
  'and',
  'About',
  'Activity',
  'Experience',
  'Education',
  'Skills',
  'Recommendations',
  'Interests',
  'Companies',
  'Groups',
  'Schools',
  'Newsletters',
  'Top Voices',
  'Languages',
  'Volunteering',
  'Licenses & certifications',
  'Licenses & Certifications',
  'Honors & awards',
  'Honors & Awards',
  'Volunteer Experience',
  'Volunteer Experience & Causes',
  'Courses',
  'Projects',
  'Publications',
  'Highlights',
  'Posts',
  'Comments',
  'Images',
  'Videos',
  'Articles',
  'Documents',
  'Summary',
  'Location',
  'Industry',
  'Current',
  'Previous',
  'Websites',
  'Company Website',
  'Personal Website',
  'Blog',
  'RSS Feed',
  'Portfolio',
  'Other',
  'Influencer',
  'Contact',
  'directly',
  'Contact info',
  'Contact Info',
  'connections',
  'Show all',
  'Show all posts',
  'Show all comments',
  'Show all companies',
  'Show all groups',
  'Show all newsletters',
  'Show all schools',
  'Show all Top Voices',
  'Show credential',
  'See credential',
  'Show connections',
  'Received',
  'Given',
  'Issued',
  'Subscribe',
  'Premium member',
  'Premium',
  'View profile',
  'View in Sales Navigator',
  'Sales Nav',
  'Sales Navigator',
  'Save to PDF',
  'Send profile in a message',
  'Report / Block',
  'About this profile',
  'Other similar profiles',
  'People you may know',
  'You might like',
  'Pages for you',
  'Grow your network',
  'Premium peer suggestions',
  'Nothing to see for now',
  'Recommendations that',
  'gives will appear here.',
  'receives will appear here.',
  'Published weekly',
  'Published biweekly',
  'Published monthly',
  'Published daily',
  'hashtag',
  '#',
  'LinkedIn',
  'LinkedIn Home',
  'LinkedIn User',
  'Skip to main content',
  'Skip to search',
  'Keyboard shortcuts',
  'Close jump menu',
  'Status is offline',
  'Status is online',
  'Status is reachable',
  'Compose message',
  'More inboxes',
  'No messages yet',
  'Send a message',
  'Reach out and start a conversation to advance your career',
  'Type to search for connections and conversations.',
  'Search your messages by recipient, content, or conversation name',
  '…show more',
  '…see more',
  'see more',
  'See more',
  'See less',
  'show more',
  'show less',
  'Show more',
  'Show less',
  'Full-time',
  'Part-time',
  'Contract',
  'Self-employed',
  'Freelance',
  'Internship',
  'Apprenticeship',
  'Seasonal',
  'Third degree connection',
  'Second degree connection',
  'First degree connection',
  'Out of network connection',
  '2nd degree connection',
  '3rd degree connection',
  '1st degree connection',
  'new feed updates notifications',
  'studied together',
  'worked with',
  'but they were at different companies',
  'Ask for an introduction to',
  'Congratulations',
  'Cookie Policy',
  'User Agreement',
  'Privacy Policy',
  'Copyright Policy',
  'Brand Policy',
  'Guest Controls',
  'Community Guidelines',
  'Accessibility',
  'Language',
  'Accept',
  'Reject',
  'settings',
  ', and',
  'By clicking Continue, you agree to LinkedIn’s',
  'By clicking Continue to join or sign in, you agree to LinkedIn’s',
  'New to LinkedIn?',
  'Welcome back',
  'Email or phone',
  'Password',
  'Forgot password?',
  'Liked by',
  'Issued',
  'Continue with Google',
  'Agree & Join LinkedIn',
  'Clear text',
  'Expand search',
  'Search first and last name',
  'An exact match for',
  'could not be found.',
  'Profile Not Found | LinkedIn',
  'Already on Linkedin? Sign in',
  'See who you know in common',
  'Get introduced',
  'See your mutual connections',
  'Join to view profile',
  'Join to view full profile',
  'Report this profile',
  'People also viewed',
  'Explore collaborative articles',
  'Explore More',
  'Add new skills with these courses',
  'See all courses',
  'professional and job ads',
  ') on and off LinkedIn. Learn more in our',
  'What is LinkedIn?',
  'Join Today',
  'Main content starts below.',
  'people have recommended',
  'Influencer',
  'Close',
  'Dismiss',
  'Done',
  'Cancel',
  'Save',
  'Apply',
  'Reset',
  'Loaded 3 Posts posts',
  'Loaded 2 Posts posts',
  'Loaded 3 Comments posts',
  'Footer Legal Menu',
  'Main site navigation',
  'Primary',
  'Primary Navigation',
  'Toast message',
  'More actions',
  'Open menu',
  'open profile picture',
  'Background Image',
  'First Name',
  'Last Name',
  'Click to start a search',
  'Filter messages by',
  'Select type of recent activity',
  'Show all other similar profiles',
  'Show all people you may know',
  'Show all you might like',
  'Show full description for this position',
  'Show less description for this position',
  'Show more, activate to see complete post content',
  'Show your LinkedIn password',
  'Sign in with Google',
  'Sign in with Google Button',
  'Open messenger dropdown menu',
  'See affiliated mailboxes',
  'AI-powered assistant to get help with your career, jobs etc',
  'Search job titles or companies',
  'Search skills, subjects, or software',
  'No alternative text description for this image',
  'like',
  'love',
  'celebrate',
  'insightful',
  'support',
  'funny',
  'curious',
  'Image',
  'Video',
  'Document',
  'You are on the messaging overlay. Press enter to open the list of conversations.',
  'You are on the messaging overlay. Press enter to minimize it.',
  'Attention screen reader users, messaging items continuously update. Please use the tab and shift + tab keys instead of up or down arrow keys to navigate between messaging items.',
  'This button displays the currently selected search type. When expanded it provides a list of search options that will switch the search inputs to match the current selection.',
  'LinkedIn and 3rd parties use essential and non-essential cookies to provide, secure, analyze and improve our Services, and to show you relevant ads (including',
  'Select Accept to consent or Reject to decline non-essential cookies for this use. You can update your choices at any time in your',
  'We’re unlocking community knowledge in a new way. Experts add insights directly into each article, started with the help of AI.',
  'The LinkedIn profile you’re looking for isn’t public or doesn’t exist. To search and filter 930 million LinkedIn members, log in or join LinkedIn today.',
  'Browse members',
  'Credential ID',
  'Follows',
  'Show fewer profiles',
  'Search messages',
  'People Also Viewed',
  'Join now to see all activity',
  'Recommendations received',
  'Unsubscribe',
  'LinkedIn member directory',
  'Person',
  'WebPage',
  'Organization',
  'OrganizationRole',
  'PostalAddress',
  'ImageObject',
  'InteractionCounter',
  'advertisement',
  'by country',
  'pages',
  'profiles',
  'total',
  'works here',
  'follow this page',
  // language picker
  'العربية (Arabic)',
  'Čeština (Czech)',
  'Dansk (Danish)',
  'Deutsch (German)',
  'English (English)',
  'English (English) selected',
  'Español (Spanish)',
  'Français (French)',
  'हिंदी (Hindi)',
  'Bahasa Indonesia (Indonesian)',
  'Italiano (Italian)',
  '日本語 (Japanese)',
  '한국어 (Korean)',
  'Bahasa Malaysia (Malay)',
  'Nederlands (Dutch)',
  'Norsk (Norwegian)',
  'Polski (Polish)',
  'Português (Portuguese)',
  'Română (Romanian)',
  'Русский (Russian)',
  'Svenska (Swedish)',
  'ภาษาไทย (Thai)',
  'Tagalog (Tagalog)',
  'Türkçe (Turkish)',
  'Українська (Ukrainian)',
  '简体中文 (Chinese (Simplified))',
  '正體中文 (Chinese (Traditional))',
]);

/** Wording kept wherever it appears inside a longer text (templates around a name or a count). */
const UI_PHRASES = [
  'Current company:',
  'Click to skip to experience card',
  'Click to skip to education card',
  'Education:',
  'Connect with',
  'Invite',
  'to connect',
  'profile picture',
  'logo',
  'Graphic',
  'Image for',
  'Thumbnail for',
  'Report or block',
  '’s profile via message',
  '’s profile in Sales Navigator',
  '’s profile',
  "'s profile",
  'Send',
  'View full post.',
  'See your mutual connections with',
  'View mutual connections with',
  'has verifications',
  'Sign in to view',
  '’s full profile',
  "'s full profile",
  'Message',
  'Follow',
  'View',
  "'s Full Profile",
  'Join LinkedIn and access',
  'full profile. It’s free!',
  'Published by',
  'Organizations',
  'supports:',
  'Causes',
  'cares about:',
  'is an Influencer',
  'From',
  "'s school",
  "'s industry",
  '’s school',
  '’s industry',
  'posted this',
  'reposted this',
  'commented on a post',
  'likes this',
  'Show credential for',
  'Show all',
  'connections follow this page',
  'connection works here',
  'connections work here',
  'other mutual connections',
  'others can introduce you to',
  'Issued by',
  'Associated with',
  'Grade:',
  'Activities and societies:',
  'Expires',
  'Issued',
  'Present',
  '| LinkedIn',
  'Full-time',
  'Part-time',
  'Contract',
  'Self-employed',
  'Freelance',
  'Internship',
  'Present',
  'Show more',
  'Show less',
  'see more',
  'show more',
  'View my verified achievement from',
  'mutual connections',
  'More activity by',
  'More professionals named',
  'Join now to view',
  'Sign up to see who recommended',
  'Shared by',
  'Find a different',
  'Learn more about',
  'A preview of what LinkedIn members have to say about',
  'It’s free',
  'you’re looking for',
  'can introduce you to',
  'person has recommended',
  'people have recommended',
  'LinkedIn strengthens and extends your existing network of trusted contacts.',
  'on LinkedIn, the world’s largest professional community',
  'million LinkedIn members, log in or join LinkedIn today',
];

const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
/** Dates, durations, counts, degrees of connection. */
const UI_PATTERNS = [
  `${MONTH}(?: \\d{1,2},)? \\d{4}`,
  `(?:19|20)\\d{2}`,
  `\\d+ (?:yrs?|mos?|years?|months?|days?|weeks?|hours?|minutes?)`,
  `\\d+(?:mo|w|d|h|m|yr)`,
  `[\\d.,]+K?\\+? (?:followers?|members?|connections?|comments?|reactions?|reposts?|notifications?|skills?|experiences?|educations?|given|received|posts?|others?|licenses & certifications|new notifications?|notifications total|people)`,
  `Show all \\d+ [a-z &]+`,
  `\\d+(?:st|nd|rd|th)\\+?`,
  `\\d+(?:\\.\\d+)? of \\d+`,
  `[\\d,]+\\+?`,
];

/** Words that may stand between protected pieces without making the gap suspicious. */
const SAFE_WORDS = new Set(
  (
    'at and of in on the with to by for from or a an is was are has have you your this that it its all ' +
    'more less see show new view no not yet here will be as who what our we us out up me my i ' +
    'to experiences educations schools companies groups newsletters posts comments skills licenses ' +
    'certifications issued expires present full time part s'
  ).split(/\s+/),
);

// ---------------------------------------------------------------------------------------------
// Invented values.

const FIRST = [
  'Alex',
  'Robin',
  'Sam',
  'Noor',
  'Jules',
  'Ari',
  'Tove',
  'Lior',
  'Remy',
  'Sasha',
  'Eli',
  'Mika',
  'Rowan',
  'Kai',
  'Nika',
  'Ines',
  'Oskar',
  'Lena',
  'Tomas',
  'Maya',
  'Iker',
  'Zara',
  'Emil',
  'Yara',
  'Teo',
  'Vera',
  'Hugo',
  'Nina',
  'Aron',
  'Siri',
  'Dario',
  'Elin',
];
const LAST = [
  'Ashby',
  'Brandt',
  'Corvin',
  'Dale',
  'Eskola',
  'Fenwick',
  'Garrow',
  'Holm',
  'Ilves',
  'Juhl',
  'Kestrel',
  'Lund',
  'Marsh',
  'Nyberg',
  'Orlov',
  'Pell',
  'Quist',
  'Rook',
  'Sandell',
  'Thorne',
  'Ulm',
  'Vance',
  'Wren',
  'Yates',
  'Zeller',
  'Alder',
  'Birk',
  'Cobb',
  'Dunmore',
  'Ekdahl',
  'Falk',
  'Gray',
];
const LOREM = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ' +
  'et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea ' +
  'commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur ' +
  'excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum'
).split(' ');

const textFakes = new Map(); // original gap → fake
const urlFakes = new Map(); // category + original → fake token
const counters = {};
const next = (cat) => (counters[cat] = (counters[cat] ?? 0) + 1);

const PARTICLES = new Set([
  'van',
  'von',
  'de',
  'da',
  'del',
  'della',
  'di',
  'du',
  'le',
  'la',
  'bin',
  'al',
  'der',
  'den',
  'ter',
  'dos',
  'das',
  'y',
]);
function looksLikeName(s) {
  if (s.length > 50 || /\d/.test(s)) return false;
  const words = s.split(/\s+/).filter(Boolean);
  if (words.length < 1 || words.length > 5) return false;
  return words.every((w) => /^[\p{Lu}\p{So}\p{Sk}\uFE0F\u200D]/u.test(w) || PARTICLES.has(w));
}

function fakeText(original) {
  const key = original.replace(/\s+/g, ' ').trim();
  let fake = textFakes.get(key);
  if (fake) return fake;
  if (looksLikeName(key)) {
    const k = next('name') - 1;
    const words = key.split(/\s+/).length;
    fake = words === 1 ? LAST[k % LAST.length] : `${FIRST[k % FIRST.length]} ${LAST[(k * 7 + Math.floor(k / FIRST.length)) % LAST.length]}`;
  } else {
    const k = next('lorem') - 1;
    const n = Math.max(1, Math.min(60, key.split(/\s+/).length));
    const words = [];
    for (let i = 0; i < n; i++) words.push(LOREM[(k * 5 + i) % LOREM.length]);
    fake = words.join(' ');
    fake = fake[0].toUpperCase() + fake.slice(1);
    const end = /[.!?:]$/.exec(key);
    if (end) fake += end[0];
  }
  textFakes.set(key, fake);
  return fake;
}

function fakeToken(category, original, make) {
  const key = `${category}\u0000${original}`;
  let fake = urlFakes.get(key);
  if (!fake) {
    fake = make(next(category));
    urlFakes.set(key, fake);
  }
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Text pipeline.

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = /[\p{L}\p{N}]/u;
function literalRe(s) {
  const pre = WORD.test(s[0]) ? '(?<![\\p{L}\\p{N}])' : '';
  const post = WORD.test(s[s.length - 1]) ? '(?![\\p{L}\\p{N}])' : '';
  return `${pre}${escapeRe(s)}${post}`;
}

const MAPPING_SORTED = [...MAPPING].sort((a, b) => b[0].length - a[0].length);
const MAP_RE = new RegExp(MAPPING_SORTED.map(([k]) => literalRe(k)).join('|'), 'gu');
const MAP_LOOKUP = new Map(MAPPING_SORTED);
const applyMapping = (s) => s.replace(MAP_RE, (m) => MAP_LOOKUP.get(m) ?? m);

const FAKE_VALUES = [...new Set([...MAPPING.map(([, v]) => v), ...OVERRIDE_FAKES])];
const PROTECTED_RE = new RegExp(
  [
    ...[...FAKE_VALUES, ...UI_PHRASES].sort((a, b) => b.length - a.length).map(literalRe),
    ...UI_PATTERNS.map((p) => `(?<![\\p{L}\\p{N}])${p}(?![\\p{L}\\p{N}])`),
  ].join('|'),
  'gu',
);

/** Replaced originals (for the leak check and the optional report). */
const replacedOriginals = new Set();

function gapIsSafe(gap) {
  if (!/\p{L}/u.test(gap)) return true;
  const words = gap.split(/[^\p{L}]+/u).filter(Boolean);
  return words.every((w) => SAFE_WORDS.has(w.toLowerCase()));
}

function anonText(input) {
  if (!input || !/\S/.test(input)) return input;
  const collapsed = input.replace(/\s+/g, ' ').trim();
  if (UI_EXACT.has(collapsed)) return input;
  const mapped = applyMapping(input);
  let out = '';
  let last = 0;
  const flushGap = (gap) => {
    if (gapIsSafe(gap)) return gap;
    const lead = /^[\s\p{P}\p{S}]*/u.exec(gap)[0];
    const trail = /[\s\p{P}\p{S}]*$/u.exec(gap.slice(lead.length))[0];
    const core = gap.slice(lead.length, gap.length - trail.length);
    if (!core || core.length <= 2 || UI_EXACT.has(core.replace(/\s+/g, ' '))) return gap;
    replacedOriginals.add(core.replace(/\s+/g, ' ').trim());
    return lead + fakeText(core) + trail;
  };
  for (const m of mapped.matchAll(PROTECTED_RE)) {
    out += flushGap(mapped.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  out += flushGap(mapped.slice(last));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Identifiers and URLs.

const ID_PATTERNS = [
  // member URNs and encoded member ids
  [/ACo[A-Za-z0-9_-]{10,}/g, (m) => fakeToken('acoa', m, (n) => `ACoAAFAKE${String(n).padStart(6, '0')}`)],
  [/ACw[A-Za-z0-9_-]{10,}/g, (m) => fakeToken('acw', m, (n) => `ACwAAFAKE${String(n).padStart(6, '0')}`)],
  [
    /urn:li:(member|fsd_profile|fs_profile|fsd_profilePosition|activity|ugcPost|share|fsu_profileActionDelegate|fsd_profileCard|collectionResponse|fsd_company|company|school|fs_miniProfile|digitalmediaAsset):([^\s,;"'&)]+)/g,
    (m, t, id) => `urn:li:${t}:${fakeToken('urn', id, (n) => String(1000000 + n))}`,
  ],
  // UUIDs, long digit runs, opaque base64-ish tokens
  [
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (m) => fakeToken('uuid', m, (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`),
  ],
  [/(?<![\w])\d{7,}(?![\w])/g, (m) => fakeToken('digits', m, (n) => String(9000000 + n))],
  [
    /(?<![\w+/=])(?=[A-Za-z0-9+/_-]*[A-Z])(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{16,}={0,2}/g,
    (m) => fakeToken('token', m, (n) => `anonToken${String(n).padStart(6, '0')}`),
  ],
];
function scrubIds(s) {
  let out = s;
  for (const [re, fn] of ID_PATTERNS) out = out.replace(re, fn);
  return out;
}

const SAFE_PARAMS = new Set([
  'trk',
  'trkInfo',
  'lipi',
  'licu',
  'fromSignIn',
  'original_referer',
  'midToken',
  'controlId',
  'upsellOrderOrigin',
  'lang',
  'locale',
  'hl',
  'size',
  'shape',
  'logo_alignment',
  'type',
  'theme',
  'text',
  'width',
  'height',
  'is_fedcm_supported',
  'origin',
  'iframe_id',
  'client_id',
  'v',
  'e',
  't',
  'key',
  'h',
]);
const SAFE_TOP = new Set([
  'in',
  'pub',
  'public-profile',
  'company',
  'school',
  'showcase',
  'groups',
  'newsletters',
  'pulse',
  'posts',
  'feed',
  'legal',
  'signup',
  'uas',
  'login',
  'jobs',
  'learning',
  'mynetwork',
  'messaging',
  'notifications',
  'premium',
  'sales',
  'search',
  'help',
  'redir',
  'start',
  'static',
  'title',
  'topic',
  'today',
  'directory',
  'psettings',
  'accessibility',
  'mypreferences',
  'checkpoint',
  'authwall',
  'voyager',
  'talent',
  'recruiter',
  'edu',
  'events',
  'services',
  'products',
  'assets',
  'lite',
  'mob',
  'article',
  'lnkd',
  'li',
  'games',
  'ad',
  'sc',
  'aero-v1',
  'scds',
  'media',
  'dms',
  'image',
  'mpr',
  'gsi',
  'profinder',
  'm',
  'dir',
  'cold-join',
  'public-profile-join',
  'login-submit',
  'request-password-reset',
  'user-agreement',
  'privacy-policy',
  'cookie-policy',
  'copyright-policy',
  'brand-policy',
  'guest-controls',
  'professional-community-policies',
  'results',
  'all',
  'people',
  'overlay',
  'contact-info',
  'about-this-profile',
  'details',
  'experience',
  'education',
  'skills',
  'recent-activity',
  'comments',
  'reactions',
  'shares',
  'single-media-viewer',
  'background-image',
  'photo',
  'view-full-profile',
  'influencers',
  'author',
  'update',
  'lead',
  'profile',
  'internal-server-error',
  'redirect',
  'api',
  'ingraphs',
  'guestGauge',
  'guestCounter',
  'content',
  'interests',
  'recommendations',
  'certifications',
  'volunteering-experiences',
  'languages',
  'honors',
  'courses',
  'projects',
  'publications',
  'organizations',
  'patents',
  'test-scores',
  'causes',
  'all-activity',
  'articles',
  'documents',
  'images',
  'videos',
  'newsletter',
  'events',
  'ocp',
  'wvmx',
  'profile-views',
  'verify',
  'about',
  'post',
  'hashtag',
  'business',
  'talent-solutions',
  'marketing-solutions',
  'sales-solutions',
  'premium-upsell',
  'jobs-guest',
  'search-guest',
  'learning-guest',
]);

function anonPathSegment(seg, prev) {
  if (!seg) return seg;
  let dec = seg;
  try {
    dec = decodeURIComponent(seg);
  } catch {
    /* keep */
  }
  if (prev === 'in' || prev === 'pub') {
    const id = dec.toLowerCase();
    return encodeURIComponent(ID_MAP[id] ?? fakeToken('member', id, (n) => `member-${n}`));
  }
  if (['company', 'school', 'showcase', 'groups', 'newsletters'].includes(prev)) {
    return fakeToken('org', dec.toLowerCase(), (n) => `${prev === 'school' ? 'school' : 'company'}-${n}`);
  }
  if (SAFE_TOP.has(dec) || /^[a-z]{1,3}$/.test(dec) || /^\d{1,4}$/.test(dec)) return seg;
  if (/^[0-9a-z]{25}$/.test(dec) && (prev === 'h' || prev === 'sc')) return seg; // static asset hashes
  return fakeToken('slug', dec, (n) => `anon-${n}`);
}

function anonUrl(raw) {
  const value = raw.trim();
  if (!value || value.startsWith('#') || /^(data|javascript|blob):/i.test(value)) return raw;
  if (/^mailto:/i.test(value)) return `mailto:${fakeToken('mail', value, (n) => `person${n}@example.com`)}`;
  const relative = !/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.startsWith('//');
  const protoRel = value.startsWith('//');
  let u;
  try {
    u = new URL(value, 'https://www.linkedin.com/');
  } catch {
    return anonText(scrubIds(applyMapping(value)));
  }
  const host = u.hostname.toLowerCase();
  if (/^static(-exp\d*)?\.licdn\.com$/.test(host) || /^s\.c\.lnkd\.licdn\.com$/.test(host)) return raw;
  if (/(^|\.)licdn\.com$/.test(host) || host === 'm.c.lnkd.licdn.com') {
    // Images of people and companies: keep the kind (profile-displayphoto…, company-logo…).
    const parts = u.pathname.split('/');
    if (parts[1] === 'dms' && parts[2] === 'image') {
      const kind = /^[a-z0-9_-]+$/i.test(parts[4] ?? '') ? parts[4] : 'image';
      const id = fakeToken('img', parts[3] ?? '', (n) => `ANON${String(n).padStart(6, '0')}`);
      return `https://media.licdn.com/dms/image/${id}/${kind}/0/0?e=0&v=beta&t=anonymized`;
    }
    const id = fakeToken('img', u.pathname, (n) => `ANON${String(n).padStart(6, '0')}`);
    return `https://media.licdn.com/media/anonymized/${id}.jpg`;
  }
  if (!(host === 'linkedin.com' || host.endsWith('.linkedin.com'))) {
    if (host === 'accounts.google.com') {
      u.search = '';
      return u.href;
    }
    return `https://example.com/anonymized/${fakeToken('ext', u.href, (n) => String(n))}`;
  }
  // LinkedIn: country subdomains (se., ec., in.…) say where a person is: one fixed one for all.
  if (/^[a-z]{2}\.linkedin\.com$/.test(host) && host !== 'www.linkedin.com') u.hostname = 'no.linkedin.com';
  // Rebuild path and query.
  const segs = u.pathname.split('/');
  const outSegs = segs.map((s, i) => (i === 0 ? s : anonPathSegment(s, segs[i - 1] === 'public-profile' ? 'x' : decodeSafe(segs[i - 1]))));
  u.pathname = outSegs.join('/');
  const params = [...u.searchParams];
  const q = new URLSearchParams();
  for (const [k, v] of params) {
    if (/^https?:\/\//i.test(v) || v.startsWith('/')) q.append(k, anonUrl(v));
    else if (SAFE_PARAMS.has(k) && !/[A-Z].*\d|\d.*[A-Z]/.test(v.replace(/^public_profile.*/, ''))) q.append(k, scrubIds(v));
    else
      q.append(
        k,
        fakeToken('param', v, (n) => `anon${n}`),
      );
  }
  u.search = q.toString();
  if (u.hash && !/^#[\w-]*$/.test(u.hash)) u.hash = '';
  if (relative) return u.pathname + u.search + u.hash;
  if (protoRel) return `//${u.host}${u.pathname}${u.search}${u.hash}`;
  return u.href;
}
function decodeSafe(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Attributes.

const KEEP_ATTRS = new Set([
  'class',
  'id',
  'style',
  'width',
  'height',
  'type',
  'loading',
  'rel',
  'target',
  'd',
  'viewbox',
  'xmlns',
  'xmlns:xlink',
  'fill',
  'fill-opacity',
  'fill-rule',
  'clip-rule',
  'stroke',
  'stroke-width',
  'role',
  'for',
  'tabindex',
  'aria-hidden',
  'aria-expanded',
  'aria-busy',
  'aria-live',
  'aria-controls',
  'aria-describedby',
  'aria-labelledby',
  'aria-selected',
  'aria-pressed',
  'aria-relevant',
  'aria-modal',
  'aria-current',
  'aria-haspopup',
  'aria-atomic',
  'aria-level',
  'aria-checked',
  'aria-disabled',
  'aria-invalid',
  'aria-required',
  'aria-owns',
  'aria-activedescendant',
  'aria-autocomplete',
  'aria-multiline',
  'aria-orientation',
  'data-tracking-control-name',
  'data-tracking-will-navigate',
  'data-tracking-client-ingraph',
  'data-tracking-litms',
  'data-view-name',
  'data-field',
  'data-section',
  'data-modal',
  'data-outlet',
  'data-id',
  'lang',
  'data-locale',
  'data-supported-dps',
  'data-svg-class-name',
  'data-js-module-id',
  'data-switcher-type',
  'data-searchbar-type',
  'data-page-js-type',
  'sandbox',
  'nonce',
  'method',
  'autocomplete',
  'http-equiv',
  'property',
  'name',
  'action-type',
  'data-control-name',
  'data-impression-id',
  'data-ghost-classes',
  'size',
  'opacity',
  'points',
  'transform',
  'cx',
  'cy',
  'r',
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'rx',
  'ry',
  'dir',
  'data-test-icon',
  'data-test-id',
  'data-test-reactions-icon-type',
  'data-test-app-aware-link',
  'charset',
  'scrolling',
  'maxlength',
  'minlength',
  'required',
  'novalidate',
  'disabled',
  'checked',
  'selected',
  'hidden',
  'lazyload',
  'data-text-toggle',
  'data-field-name',
  'version',
  'preserveaspectratio',
  'values',
  'repeatcount',
  'attributename',
  'dur',
  'begin',
  'focusable',
  'data-supported',
  'data-app-version',
  'data-multiproduct-name',
  'data-service-name',
  'data-enable-page-view-heartbeat-tracking',
  'data-gauge-metric-endpoint',
  'data-counter-metric-endpoint',
  'data-delayed-url-attr',
  'fetchpriority',
  'data-embed-id',
  'display',
  'severity',
  'async',
  'defer',
  'crossorigin',
  'media',
  'as',
  'inputmode',
  'enterkeyhint',
  'spellcheck',
  'data-t-link-to-event-attached',
  'data-finite-scroll-hotkey-item',
  'data-generated-suggestion-target-type',
  'colspan',
  'rowspan',
  'scope',
  'align',
  'valign',
  'border',
  'cellpadding',
  'cellspacing',
  'frameborder',
  'allow',
  'allowfullscreen',
  'referrerpolicy',
  'draggable',
  'contenteditable',
  'translate',
  'accept',
  'multiple',
  'min',
  'max',
  'step',
  'pattern',
  'list',
  'form',
  'formaction',
  'wrap',
  'rows',
  'cols',
  'start',
  'reversed',
  'span',
  'datetime',
  'cite',
  'download',
  'ping',
  'shape',
  'coords',
  'usemap',
  'ismap',
  'decoding',
  'data-hide-if-no-scroll',
  'data-max-lines',
  'data-reactive',
  'stop-color',
  'offset',
  'gradientunits',
  'gradienttransform',
  'clip-path',
  'mask',
  'filter',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stroke-dasharray',
  'stroke-dashoffset',
  'data-supported-dps',
  'data-test-ghost-image',
]);
const URL_ATTRS = new Set([
  'href',
  'src',
  'data-delayed-url',
  'action',
  'data-ghost-url',
  'data-fastboot-src',
  'poster',
  'data-src',
  'data-li-src',
  'data-url',
  'xlink:href',
  'formaction',
  'background',
]);
const TEXT_ATTRS = new Set([
  'alt',
  'title',
  'aria-label',
  'placeholder',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'label',
  'summary',
  'data-placeholder',
]);
const KEEP_META = new Set([
  'pagekey',
  'robots',
  'bingbot',
  'locale',
  'viewport',
  'appname',
  'application-name',
  'litmsprofilename',
  'linkedin:pagetag',
  'og:type',
  'twitter:card',
  'twitter:site',
  'al:android:package',
  'al:android:app_name',
  'al:ios:app_store_id',
  'al:ios:app_name',
  'msapplication-tilecolor',
  'globaltrackingappid',
  'globaltrackingappname',
  'clientsideingraphs',
  'x-ua-compatible',
  'content-type',
  'refresh',
  'fb:app_id',
]);

function anonAttr(el, name, value) {
  const n = name.toLowerCase();
  if (KEEP_ATTRS.has(n) && !(n === 'id' && /\d{7,}|ACo/.test(value))) return value;
  if (n === 'srcset')
    return value
      .split(',')
      .map((part) => part.trim().replace(/^\S+/, (u) => anonUrl(u)))
      .join(', ');
  if (URL_ATTRS.has(n)) return anonUrl(value);
  if (n === 'content' && el.localName === 'meta') {
    const key = (el.getAttribute('name') ?? el.getAttribute('property') ?? el.getAttribute('http-equiv') ?? '').toLowerCase();
    if (KEEP_META.has(key) && !/linkedin\.com\/(in|pub)\//i.test(value)) return value;
    if (/^(https?:)?\/\//i.test(value.trim())) return anonUrl(value);
    return anonText(scrubIds(value));
  }
  if (n === 'value' && el.localName === 'input') {
    if (/^(https?:)?\/\//i.test(value.trim()) || value.trim().startsWith('/')) return anonUrl(value);
    const scrubbed = scrubIds(applyMapping(value));
    if (/^[a-z0-9_:.\-;=+/]*$/i.test(scrubbed) && /[_-]/.test(scrubbed) && !/\s/.test(scrubbed)) return scrubbed;
    return anonText(scrubbed);
  }
  if (TEXT_ATTRS.has(n)) return anonText(scrubIds(value));
  // Anything else (data-*, unknown): ids and known strings only.
  const v = scrubIds(applyMapping(value));
  return /https?:\/\//.test(v) ? v.replace(/https?:\/\/[^\s"']+/g, (u) => anonUrl(u)) : v;
}

// ---------------------------------------------------------------------------------------------
// JSON (<code>, JSON-LD).

let decoyCount = 0;
function decoyJson(original) {
  decoyCount++;
  const k = decoyCount;
  if (/publicIdentifier|firstName|lastName/.test(original)) {
    // Embedded profile data lists the viewer, the subject and many other people: a parser must not
    // take an identity from here. The decoys keep that trap in the fixtures.
    return JSON.stringify({
      anonymized: true,
      included: [
        {
          $type: 'com.linkedin.voyager.dash.identity.profile.Profile',
          publicIdentifier: `decoy-person-${k}a`,
          firstName: 'Decoy',
          lastName: `Person ${k}A`,
          entityUrn: `urn:li:fsd_profile:ACoAADECOY${k}A`,
        },
        {
          $type: 'com.linkedin.voyager.dash.identity.profile.Profile',
          publicIdentifier: `decoy-person-${k}b`,
          firstName: 'Decoy',
          lastName: `Person ${k}B`,
          entityUrn: `urn:li:fsd_profile:ACoAADECOY${k}B`,
        },
      ],
    });
  }
  return JSON.stringify({ anonymized: true, n: k });
}

function anonJsonValue(v, key = '') {
  if (typeof v === 'string' && /country/i.test(key)) return 'ZZ';
  if (typeof v === 'string') return /^(https?:)?\/\//i.test(v) ? anonUrl(v) : anonText(scrubIds(v));
  if (Array.isArray(v)) return v.map((x) => anonJsonValue(x, key));
  if (v && typeof v === 'object') {
    // JSON-LD keywords (@type, @context, @id…) are vocabulary, not data.
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k.startsWith('@') && typeof x === 'string' && !x.includes('/in/') ? x : anonJsonValue(x, k)]),
    );
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// The page walk.

function anonymizeDocument(doc, file) {
  OVERRIDES[file]?.(doc);

  for (const code of doc.querySelectorAll('code')) {
    const original = code.innerHTML;
    const json = decoyJson(original);
    const asComment = code.firstChild?.nodeType === 8 || /^\s*<!--/.test(original);
    code.textContent = '';
    code.appendChild(asComment ? doc.createComment(json) : doc.createTextNode(json));
  }
  for (const script of doc.querySelectorAll('script')) {
    if (!script.textContent.trim()) continue;
    if ((script.getAttribute('type') ?? '').includes('ld+json')) {
      try {
        script.textContent = JSON.stringify(anonJsonValue(JSON.parse(script.textContent)));
        continue;
      } catch {
        /* fall through: remove */
      }
    }
    script.textContent = '/* inline script removed by scripts/anonymize-linkedin.mjs */';
  }

  const walk = (root) => {
    const tw = doc.createTreeWalker(root, 1 | 4 | 128);
    for (let node = tw.currentNode; node; node = tw.nextNode()) {
      if (node.nodeType === 1) {
        const el = node;
        for (const attr of [...el.attributes]) {
          const v = anonAttr(el, attr.name, attr.value);
          if (v !== attr.value) el.setAttribute(attr.name, v);
        }
        if (el.localName === 'template' && el.content) walk(el.content);
      } else if (node.nodeType === 3) {
        const p = node.parentNode;
        if (!p || ['SCRIPT', 'STYLE', 'CODE'].includes(p.nodeName)) continue;
        const v = anonText(node.data);
        if (v !== node.data) node.data = v;
      } else if (node.nodeType === 8) {
        if (node.parentNode?.nodeName === 'CODE') continue;
        const v = scrubIds(applyMapping(node.data)).replace(/https?:\/\/[^\s"'<>]+/g, (u) => anonUrl(u));
        if (v !== node.data) node.data = v;
      }
    }
  };
  walk(doc);
}

function header(file) {
  const s = SOURCES[file];
  return [
    '<!--',
    `  kind: ${s.kind}`,
    `  source: ${s.source}`,
    `  license: ${s.license}`,
    `  captured: ${s.captured}`,
    '  anonymized by scripts/anonymize-linkedin.mjs: names, public ids, employers, schools, places,',
    '  headlines, free text, URLs, images and the JSON in <code> elements are invented values;',
    '  DOM structure, tags, class names and hook attributes are kept. Do not edit by hand: re-run the script.',
    '-->',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Leak check: no original that was replaced may remain in the output.

const leakContexts = [];
function leakCheck(output, file) {
  const problems = [];
  const context = (i) => leakContexts.push(`${file}: ${JSON.stringify(output.slice(Math.max(0, i - 120), i + 60))}`);
  const lower = output.toLowerCase();
  for (const [real, fake] of MAPPING) {
    if (real.length < 4) continue;
    const re = new RegExp(literalRe(real), 'iu');
    const m = re.exec(output);
    if (m) {
      problems.push(`mapped value (now "${fake}")`);
      context(m.index);
    }
  }
  for (const id of Object.keys(ID_MAP)) {
    if (lower.includes(id)) {
      problems.push(`public id (now "${ID_MAP[id]}")`);
      context(lower.indexOf(id));
    }
  }
  for (const orig of replacedOriginals) {
    if (orig.length < 8 || !/\s/.test(orig)) continue;
    if (output.includes(orig)) {
      problems.push(`replaced text (now "${textFakes.get(orig) ?? '?'}")`);
      context(output.indexOf(orig));
    }
  }
  if (problems.length) {
    console.error(`${file}: ${problems.length} leak(s):\n  ${[...new Set(problems)].slice(0, 20).join('\n  ')}`);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

function writeReport() {
  const lines = [...textFakes].map(([k, v]) => `${v}\t<=\t${k}`);
  lines.push(...leakContexts.map((c) => `LEAK\t${c}`));
  fs.writeFileSync(REPORT, lines.join('\n') + '\n');
  console.log(`report (contains real data, keep it out of the repository): ${REPORT}`);
}

function main() {
  if (!fs.existsSync(SRC)) {
    console.error(`source folder not found: ${SRC}`);
    process.exit(1);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const files = fs
    .readdirSync(SRC)
    .filter((f) => f.endsWith('.html'))
    .sort();
  const outputs = [];
  for (const file of files) {
    if (!SOURCES[file]) {
      console.error(`${file}: no SOURCES entry (add its provenance and mapping first); skipped`);
      continue;
    }
    const html = fs.readFileSync(path.join(SRC, file), 'utf8');
    const dom = new JSDOM(html);
    anonymizeDocument(dom.window.document, file);
    outputs.push([file, header(file) + dom.serialize() + '\n']);
    dom.window.close();
  }
  // Check after every page is done, so that texts replaced in a later page are checked everywhere.
  let ok = true;
  for (const [file, out] of outputs) ok = leakCheck(out, file) && ok;
  if (REPORT) writeReport();
  if (!ok) {
    console.error('leaks found: nothing written');
    process.exit(2);
  }
  for (const [file, out] of outputs) {
    // The upstream 2016 file is named after its real subject: the copy gets a neutral name.
    const outName = file.replace('-jeffweiner08-', '-');
    fs.writeFileSync(path.join(OUT, outName), out);
    console.log(`wrote ${path.relative(process.cwd(), path.join(OUT, outName))} (${Math.round(out.length / 1024)} KiB)`);
  }
  for (const lic of LICENSE_FILES) {
    const from = path.join(SRC, lic);
    const to = path.join(OUT, lic);
    // Not copyFileSync: it would keep the source's read-only mode and fail on the next run.
    if (fs.existsSync(from)) {
      fs.rmSync(to, { force: true });
      fs.writeFileSync(to, fs.readFileSync(from));
    }
  }
  console.log(`${textFakes.size} texts and ${urlFakes.size} identifiers/URL parts replaced`);
}

main();
