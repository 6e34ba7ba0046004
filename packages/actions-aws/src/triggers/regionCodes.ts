// The display names CloudWatch puts in the `Region` field of alarm notifications, by region code.
// Older notifications say "EU (Ireland)" where newer ones say "Europe (Ireland)"; both are listed.
const NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-east-2': 'Asia Pacific (Taipei)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'eu-north-1': 'Europe (Stockholm)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-central-1': 'Middle East (UAE)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (Sao Paulo)',
  'us-gov-east-1': 'AWS GovCloud (US-East)',
  'us-gov-west-1': 'AWS GovCloud (US-West)',
  'cn-north-1': 'China (Beijing)',
  'cn-northwest-1': 'China (Ningxia)',
};

const BY_NAME = new Map<string, string>();
for (const [code, name] of Object.entries(NAMES)) {
  BY_NAME.set(normalize(name), code);
  if (name.startsWith('Europe (')) BY_NAME.set(normalize(name.replace('Europe (', 'EU (')), code);
}
BY_NAME.set(normalize('South America (São Paulo)'), 'sa-east-1');
BY_NAME.set(normalize('AWS GovCloud (US)'), 'us-gov-west-1');

const CODE = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;

/**
 * The region code for a CloudWatch display name ("US East (N. Virginia)" → us-east-1); a region code
 * is returned as is; undefined for a name not in the table.
 */
export function regionCodeOf(name: string): string | undefined {
  const trimmed = name.trim();
  if (CODE.test(trimmed)) return trimmed;
  return BY_NAME.get(normalize(trimmed));
}

function normalize(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}
