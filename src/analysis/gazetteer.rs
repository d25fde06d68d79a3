//! Built-in name lists for entity recognition: countries with ISO codes,
//! aliases and demonyms, major cities, organisations, person titles and
//! common first names.
//!
//! The data is plain text parsed once, so it is easy to read and extend.
//! Longer lists of places and names (GeoNames, the US census) are hashed
//! into `models/names.bin`, which the tagger reads as features.

use std::sync::LazyLock;

use super::clusters::Clusters;

/// Countries: `Name|ISO 3166-1 alpha-2|aliases;...|demonyms;...`.
pub(crate) const COUNTRIES: &str = "\
Afghanistan|AF||Afghan;Afghans
Albania|AL||Albanian;Albanians
Algeria|DZ||Algerian;Algerians
Andorra|AD||Andorran;Andorrans
Angola|AO||Angolan;Angolans
Antigua and Barbuda|AG||Antiguan;Antiguans
Argentina|AR||Argentine;Argentinian;Argentines;Argentinians
Armenia|AM||Armenian;Armenians
Australia|AU||Australian;Australians
Austria|AT||Austrian;Austrians
Azerbaijan|AZ||Azerbaijani;Azerbaijanis
Bahamas|BS|The Bahamas|Bahamian;Bahamians
Bahrain|BH||Bahraini;Bahrainis
Bangladesh|BD||Bangladeshi;Bangladeshis
Barbados|BB||Barbadian;Barbadians
Belarus|BY||Belarusian;Belarusians
Belgium|BE||Belgian;Belgians
Belize|BZ||Belizean;Belizeans
Benin|BJ||Beninese
Bhutan|BT||Bhutanese
Bolivia|BO||Bolivian;Bolivians
Bosnia and Herzegovina|BA|Bosnia|Bosnian;Bosnians
Botswana|BW||Botswanan
Brazil|BR||Brazilian;Brazilians
Brunei|BN||Bruneian
Bulgaria|BG||Bulgarian;Bulgarians
Burkina Faso|BF||Burkinabe
Burundi|BI||Burundian;Burundians
Cabo Verde|CV|Cape Verde|Cape Verdean
Cambodia|KH||Cambodian;Cambodians
Cameroon|CM||Cameroonian;Cameroonians
Canada|CA||Canadian;Canadians
Central African Republic|CF|CAR|
Chad|TD||Chadian;Chadians
Chile|CL||Chilean;Chileans
China|CN|People's Republic of China;PRC;Mainland China|Chinese
Colombia|CO||Colombian;Colombians
Comoros|KM||Comorian
Democratic Republic of the Congo|CD|DR Congo;DRC;Congo-Kinshasa|Congolese
Republic of the Congo|CG|Congo-Brazzaville;Congo|
Costa Rica|CR||Costa Rican;Costa Ricans
Ivory Coast|CI|Côte d'Ivoire;Cote d'Ivoire|Ivorian;Ivorians
Croatia|HR||Croatian;Croatians;Croat;Croats
Cuba|CU||Cuban;Cubans
Cyprus|CY||Cypriot;Cypriots
Czech Republic|CZ|Czechia|Czech;Czechs
Denmark|DK||Danish;Dane;Danes
Djibouti|DJ||Djiboutian
Dominica|DM||Dominican
Dominican Republic|DO||
Ecuador|EC||Ecuadorian;Ecuadorians
Egypt|EG||Egyptian;Egyptians
El Salvador|SV||Salvadoran;Salvadorans
Equatorial Guinea|GQ||Equatoguinean
Eritrea|ER||Eritrean;Eritreans
Estonia|EE||Estonian;Estonians
Eswatini|SZ|Swaziland|Swazi
Ethiopia|ET||Ethiopian;Ethiopians
Fiji|FJ||Fijian;Fijians
Finland|FI||Finnish;Finn;Finns
France|FR|French Republic|French;Frenchman;Frenchmen;Frenchwoman
Gabon|GA||Gabonese
Gambia|GM|The Gambia|Gambian;Gambians
Georgia|GE||Georgian;Georgians
Germany|DE|Federal Republic of Germany|German;Germans
Ghana|GH||Ghanaian;Ghanaians
Greece|GR||Greek;Greeks
Grenada|GD||Grenadian
Guatemala|GT||Guatemalan;Guatemalans
Guinea|GN||Guinean;Guineans
Guinea-Bissau|GW||
Guyana|GY||Guyanese
Haiti|HT||Haitian;Haitians
Honduras|HN||Honduran;Hondurans
Hungary|HU||Hungarian;Hungarians
Iceland|IS||Icelandic;Icelander;Icelanders
India|IN||Indian;Indians
Indonesia|ID||Indonesian;Indonesians
Iran|IR|Islamic Republic of Iran|Iranian;Iranians
Iraq|IQ||Iraqi;Iraqis
Ireland|IE|Republic of Ireland;Eire|Irish
Israel|IL||Israeli;Israelis
Italy|IT||Italian;Italians
Jamaica|JM||Jamaican;Jamaicans
Japan|JP||Japanese
Jordan|JO||Jordanian;Jordanians
Kazakhstan|KZ||Kazakh;Kazakhs;Kazakhstani
Kenya|KE||Kenyan;Kenyans
Kiribati|KI||
Kuwait|KW||Kuwaiti;Kuwaitis
Kyrgyzstan|KG||Kyrgyz
Laos|LA||Lao;Laotian;Laotians
Latvia|LV||Latvian;Latvians
Lebanon|LB||Lebanese
Lesotho|LS||Basotho
Liberia|LR||Liberian;Liberians
Libya|LY||Libyan;Libyans
Liechtenstein|LI||
Lithuania|LT||Lithuanian;Lithuanians
Luxembourg|LU||Luxembourger;Luxembourgers
Madagascar|MG||Malagasy
Malawi|MW||Malawian;Malawians
Malaysia|MY||Malaysian;Malaysians
Maldives|MV||Maldivian;Maldivians
Mali|ML||Malian;Malians
Malta|MT||Maltese
Marshall Islands|MH||Marshallese
Mauritania|MR||Mauritanian;Mauritanians
Mauritius|MU||Mauritian;Mauritians
Mexico|MX||Mexican;Mexicans
Micronesia|FM||Micronesian
Moldova|MD||Moldovan;Moldovans
Monaco|MC||Monegasque
Mongolia|MN||Mongolian;Mongolians
Montenegro|ME||Montenegrin;Montenegrins
Morocco|MA||Moroccan;Moroccans
Mozambique|MZ||Mozambican;Mozambicans
Myanmar|MM|Burma|Burmese
Namibia|NA||Namibian;Namibians
Nauru|NR||Nauruan
Nepal|NP||Nepali;Nepalese
Netherlands|NL|The Netherlands;Holland|Dutch
New Zealand|NZ||New Zealander;New Zealanders;Kiwi;Kiwis
Nicaragua|NI||Nicaraguan;Nicaraguans
Niger|NE||Nigerien;Nigeriens
Nigeria|NG||Nigerian;Nigerians
North Korea|KP|DPRK;Democratic People's Republic of Korea|North Korean;North Koreans
North Macedonia|MK|Macedonia|Macedonian;Macedonians
Norway|NO||Norwegian;Norwegians
Oman|OM||Omani;Omanis
Pakistan|PK||Pakistani;Pakistanis
Palau|PW||Palauan
Palestine|PS|Palestinian Territories;State of Palestine|Palestinian;Palestinians
Panama|PA||Panamanian;Panamanians
Papua New Guinea|PG||Papua New Guinean
Paraguay|PY||Paraguayan;Paraguayans
Peru|PE||Peruvian;Peruvians
Philippines|PH|The Philippines|Filipino;Filipinos;Philippine
Poland|PL||Polish;Pole;Poles
Portugal|PT||Portuguese
Qatar|QA||Qatari;Qataris
Romania|RO||Romanian;Romanians
Russia|RU|Russian Federation|Russian;Russians
Rwanda|RW||Rwandan;Rwandans
Saint Kitts and Nevis|KN||
Saint Lucia|LC||Saint Lucian
Saint Vincent and the Grenadines|VC||
Samoa|WS||Samoan;Samoans
San Marino|SM||Sammarinese
Sao Tome and Principe|ST|São Tomé and Príncipe|
Saudi Arabia|SA|Saudi|Saudi;Saudis;Saudi Arabian
Senegal|SN||Senegalese
Serbia|RS||Serbian;Serbians;Serb;Serbs
Seychelles|SC||Seychellois
Sierra Leone|SL||Sierra Leonean
Singapore|SG||Singaporean;Singaporeans
Slovakia|SK||Slovak;Slovaks
Slovenia|SI||Slovenian;Slovenians;Slovene
Solomon Islands|SB||
Somalia|SO||Somali;Somalis
South Africa|ZA||South African;South Africans
South Korea|KR|Republic of Korea;ROK|South Korean;South Koreans;Korean;Koreans
South Sudan|SS||South Sudanese
Spain|ES||Spanish;Spaniard;Spaniards
Sri Lanka|LK||Sri Lankan;Sri Lankans
Sudan|SD||Sudanese
Suriname|SR||Surinamese
Sweden|SE||Swedish;Swede;Swedes
Switzerland|CH||Swiss
Syria|SY|Syrian Arab Republic|Syrian;Syrians
Taiwan|TW|Republic of China|Taiwanese
Tajikistan|TJ||Tajik;Tajiks
Tanzania|TZ||Tanzanian;Tanzanians
Thailand|TH||Thai;Thais
Timor-Leste|TL|East Timor|Timorese
Togo|TG||Togolese
Tonga|TO||Tongan;Tongans
Trinidad and Tobago|TT||Trinidadian
Tunisia|TN||Tunisian;Tunisians
Turkey|TR|Türkiye;Turkiye|Turkish;Turk;Turks
Turkmenistan|TM||Turkmen
Tuvalu|TV||Tuvaluan
Uganda|UG||Ugandan;Ugandans
Ukraine|UA||Ukrainian;Ukrainians
United Arab Emirates|AE|UAE;Emirates|Emirati;Emiratis
United Kingdom|GB|UK;U.K.;Britain;Great Britain|British;Briton;Britons
United States|US|U.S.;US;USA;U.S.A.;America;United States of America|American;Americans
Uruguay|UY||Uruguayan;Uruguayans
Uzbekistan|UZ||Uzbek;Uzbeks
Vanuatu|VU||Ni-Vanuatu
Vatican City|VA|Holy See;Vatican|
Venezuela|VE||Venezuelan;Venezuelans
Vietnam|VN|Viet Nam|Vietnamese
Yemen|YE||Yemeni;Yemenis
Zambia|ZM||Zambian;Zambians
Zimbabwe|ZW||Zimbabwean;Zimbabweans
Kosovo|XK||Kosovar;Kosovars
Hong Kong|HK||
Greenland|GL||Greenlandic
Puerto Rico|PR||Puerto Rican;Puerto Ricans
Scotland|GB||Scottish;Scot;Scots
England|GB||English
Wales|GB||Welsh
Northern Ireland|GB||
Kurdistan||Iraqi Kurdistan|Kurdish;Kurd;Kurds
Europe|||European;Europeans
Africa|||African;Africans
Asia|||Asian;Asians
Middle East|||
Latin America|||Latin American;Latin Americans
";

/// Cities: `Name|ISO country code|aliases;...|other countries;...`. The first
/// code is the reading to prefer without context; the others are taken when
/// the text says so ("San Jose, Costa Rica", "Paris, Texas").
pub(crate) const CITIES: &str = "\
Paris|FR||US
Marseille|FR
Lyon|FR
Toulouse|FR
Strasbourg|FR
Bordeaux|FR
Lille|FR
Saint-Denis|FR
London|GB||CA
Manchester|GB||US
Birmingham|GB||US
Liverpool|GB
Edinburgh|GB
Glasgow|GB
Belfast|GB
Cardiff|GB
Leeds|GB
Oxford|GB
Cambridge|GB||US
Dublin|IE
Cork|IE
Berlin|DE
Hamburg|DE
Munich|DE|München
Frankfurt|DE
Cologne|DE|Köln
Stuttgart|DE
Düsseldorf|DE|Dusseldorf
Dresden|DE
Leipzig|DE
Bonn|DE
Madrid|ES
Barcelona|ES
Valencia|ES||VE
Seville|ES|Sevilla
Bilbao|ES
Lisbon|PT|Lisboa
Porto|PT
Rome|IT|Roma
Milan|IT|Milano
Naples|IT|Napoli
Turin|IT|Torino
Florence|IT|Firenze
Venice|IT|Venezia
Palermo|IT
Amsterdam|NL
Rotterdam|NL
The Hague|NL
Brussels|BE|Bruxelles
Antwerp|BE
Luxembourg City|LU
Geneva|CH|Genève
Zurich|CH|Zürich
Bern|CH
Basel|CH
Davos|CH
Vienna|AT|Wien
Salzburg|AT
Prague|CZ|Praha
Warsaw|PL|Warszawa
Krakow|PL|Kraków
Budapest|HU
Bucharest|RO
Sofia|BG
Belgrade|RS
Zagreb|HR
Ljubljana|SI
Sarajevo|BA
Skopje|MK
Tirana|AL
Athens|GR||US
Thessaloniki|GR
Nicosia|CY
Valletta|MT
Copenhagen|DK
Stockholm|SE
Gothenburg|SE
Oslo|NO
Helsinki|FI
Reykjavik|IS
Tallinn|EE
Riga|LV
Vilnius|LT
Minsk|BY
Kyiv|UA|Kiev
Kharkiv|UA|Kharkov
Odesa|UA|Odessa
Lviv|UA
Mariupol|UA
Donetsk|UA
Luhansk|UA
Crimea|UA
Chisinau|MD
Moscow|RU
Saint Petersburg|RU|St. Petersburg
Novosibirsk|RU
Vladivostok|RU
Sochi|RU
Grozny|RU
Tbilisi|GE
Yerevan|AM
Baku|AZ
Istanbul|TR
Ankara|TR
Izmir|TR
Antalya|TR
Belek|TR
Gaziantep|TR
Diyarbakir|TR
Damascus|SY
Aleppo|SY
Homs|SY
Raqqa|SY|Raqqah;Al-Raqqa
Idlib|SY
Deir ez-Zor|SY|Deir al-Zor
Palmyra|SY
Kobani|SY
Latakia|SY
Baghdad|IQ
Mosul|IQ
Basra|IQ
Erbil|IQ
Kirkuk|IQ
Fallujah|IQ
Ramadi|IQ
Tikrit|IQ
Sinjar|IQ
Beirut|LB
Amman|JO
Jerusalem|IL
Tel Aviv|IL
Haifa|IL
Gaza|PS|Gaza City;Gaza Strip
Ramallah|PS
West Bank|PS
Cairo|EG
Alexandria|EG||US
Riyadh|SA
Jeddah|SA
Mecca|SA
Medina|SA||US
Doha|QA
Dubai|AE
Abu Dhabi|AE
Manama|BH
Muscat|OM
Kuwait City|KW
Sanaa|YE|Sana'a
Aden|YE
Tehran|IR
Isfahan|IR
Mashhad|IR
Kabul|AF
Kandahar|AF
Herat|AF
Islamabad|PK
Karachi|PK
Lahore|PK
Peshawar|PK
New Delhi|IN
Delhi|IN
Mumbai|IN|Bombay
Kolkata|IN|Calcutta
Chennai|IN|Madras
Bangalore|IN|Bengaluru
Hyderabad|IN||PK
Dhaka|BD
Kathmandu|NP
Colombo|LK
Beijing|CN|Peking
Shanghai|CN
Guangzhou|CN
Shenzhen|CN
Wuhan|CN
Chengdu|CN
Tianjin|CN
Chongqing|CN
Hangzhou|CN
Nanjing|CN
Xi'an|CN
Urumqi|CN
Lhasa|CN
Macau|MO|Macao
Taipei|TW
Tokyo|JP
Osaka|JP
Kyoto|JP
Yokohama|JP
Hiroshima|JP
Nagasaki|JP
Fukushima|JP
Seoul|KR
Busan|KR
Pyongyang|KP
Ulaanbaatar|MN
Bangkok|TH
Hanoi|VN
Ho Chi Minh City|VN|Saigon
Phnom Penh|KH
Vientiane|LA
Yangon|MM|Rangoon
Naypyidaw|MM
Kuala Lumpur|MY
Jakarta|ID
Bali|ID
Manila|PH
Singapore City|SG
Sydney|AU||CA
Melbourne|AU
Brisbane|AU
Perth|AU||GB
Adelaide|AU
Canberra|AU
Auckland|NZ
Wellington|NZ
Christchurch|NZ
Nairobi|KE
Mombasa|KE
Addis Ababa|ET
Mogadishu|SO
Khartoum|SD
Juba|SS
Kampala|UG
Kigali|RW
Dar es Salaam|TZ
Kinshasa|CD
Lagos|NG
Abuja|NG
Kano|NG
Accra|GH
Dakar|SN
Bamako|ML
Timbuktu|ML
Niamey|NE
Tripoli|LY||LB
Benghazi|LY
Tunis|TN
Algiers|DZ
Rabat|MA
Casablanca|MA
Marrakesh|MA|Marrakech
Johannesburg|ZA
Cape Town|ZA
Pretoria|ZA
Durban|ZA
Harare|ZW
Lusaka|ZM
Luanda|AO
Maputo|MZ
Antananarivo|MG
Washington|US|Washington, D.C.;Washington D.C.
New York|US|New York City;NYC
Los Angeles|US
Chicago|US
Houston|US
Phoenix|US
Philadelphia|US
San Antonio|US
San Diego|US
Dallas|US
San Francisco|US
Seattle|US
Boston|US
Miami|US
Atlanta|US
Denver|US
Detroit|US
Las Vegas|US
New Orleans|US
Baltimore|US
Minneapolis|US
St. Louis|US
Pittsburgh|US
Cleveland|US
Orlando|US
Austin|US
Nashville|US
Portland|US||GB
Sacramento|US
Honolulu|US
Anchorage|US
Silicon Valley|US
Brooklyn|US
Manhattan|US
Guantanamo Bay|US|Guantanamo
Ottawa|CA
Toronto|CA
Montreal|CA|Montréal
Vancouver|CA
Calgary|CA
Quebec City|CA
Mexico City|MX
Guadalajara|MX
Monterrey|MX
Tijuana|MX
Havana|CU
Kingston|JM||CA;GB;US
Port-au-Prince|HT
Guatemala City|GT
San Salvador|SV
Tegucigalpa|HN
Managua|NI
San Jose|US||CR
San José|CR||US
Panama City|PA
Bogota|CO|Bogotá
Medellin|CO|Medellín
Caracas|VE
Quito|EC
Lima|PE
La Paz|BO
Santiago|CL||ES;DO
Buenos Aires|AR
Montevideo|UY
Asuncion|PY|Asunción
Sao Paulo|BR|São Paulo
Rio de Janeiro|BR|Rio
Brasilia|BR|Brasília
";

/// Organisations: `Canonical name|aliases;...`. The aliases include the
/// acronyms that name the same organisation.
pub(crate) const ORGANIZATIONS: &str = "\
Islamic State|ISIS;ISIL;Daesh;Islamic State of Iraq and the Levant;Islamic State of Iraq and Syria
United Nations|UN;U.N.
United Nations Security Council|UN Security Council;U.N. Security Council;UNSC;Security Council
North Atlantic Treaty Organization|NATO
European Union|EU;E.U.
European Commission|
European Community|European Communities
European Economic Community|
European Parliament|
European Central Bank|ECB
International Monetary Fund|IMF
World Bank|
World Health Organization|WHO
World Trade Organization|WTO
Organization of the Petroleum Exporting Countries|OPEC
African Union|AU
Arab League|
Association of Southeast Asian Nations|ASEAN
G20|Group of Twenty;G-20
G7|Group of Seven;G-7
G8|Group of Eight;G-8
International Criminal Court|ICC
International Atomic Energy Agency|IAEA
Red Cross|International Committee of the Red Cross;ICRC
Amnesty International|
Human Rights Watch|
Doctors Without Borders|Médecins Sans Frontières;MSF
UNICEF|
UNESCO|
UNHCR|
Federal Bureau of Investigation|FBI
Central Intelligence Agency|CIA
National Security Agency|NSA
Department of Homeland Security|Homeland Security
Pentagon|
White House|
Kremlin|
Downing Street|
Elysee Palace|Élysée Palace;Elysee;Élysée
State Department|U.S. State Department
Congress|U.S. Congress
Senate|U.S. Senate
House of Representatives|
Supreme Court|U.S. Supreme Court
Federal Reserve|Fed
Securities and Exchange Commission|SEC
Environmental Protection Agency|EPA
NASA|
Parliament|
Bundestag|
Knesset|
Taliban|
al Qaeda|al-Qaeda;Al Qaeda;Al-Qaeda;al-Qaida
Hezbollah|Hizbollah
Hamas|
Boko Haram|
al-Shabaab|Al-Shabaab;al Shabaab
Nusra Front|al-Nusra Front;Al-Nusra Front;Jabhat al-Nusra
Free Syrian Army|FSA
Kurdistan Workers' Party|PKK
People's Protection Units|YPG
Muslim Brotherhood|
Reuters|Thomson Reuters
Associated Press|AP
Agence France-Presse|AFP
BBC|British Broadcasting Corporation
NBC|NBC News
CBS|CBS News
ABC News|
CNN|
Fox News|
MSNBC|
Al Jazeera|Al-Jazeera
Bloomberg|
USA Today|USA TODAY
Politico|POLITICO
Breitbart News|Breitbart
The New York Times|New York Times
The Washington Post|Washington Post
The Wall Street Journal|Wall Street Journal;WSJ
The Guardian|
Financial Times|FT
The Economist|
Le Monde|
Der Spiegel|
Xinhua|
TASS|
Google|Alphabet
Apple|Apple Inc.
Microsoft|
Amazon|
Facebook|Meta
Twitter|
Tesla|
Samsung|
Toyota|
Volkswagen|
Boeing|
Airbus|
ExxonMobil|Exxon
Shell|
BP|
Goldman Sachs|
JPMorgan|JPMorgan Chase;JP Morgan
Smith Barney|Smith Barney, Harris Upham and Co;Smith Barney, Harris Upham and Co Inc;Smith Barney Harris Upham and Co
Merrill Lynch, Pierce, Fenner and Smith|Merrill Lynch, Pierce, Fenner and Smith Inc;Merrill Lynch, Pierce, Fenner and Smith Inc.
Standard & Poor's|Standard and Poor's;Standard & Poor's Corp;Standard and Poor's Corp;S and P;S/P
Democratic Party|Democrats
Republican Party|Republicans;GOP
Labour Party|Labour
Conservative Party|Conservatives;Tories
Liberal Democrats|Lib Dems;Lib Dem
";

/// Named events, recognised as EVENT.
pub(crate) const EVENTS: &str = "\
Olympic Games|Olympics
World Cup|
World War II|Second World War;WWII
World War I|First World War;WWI
Cold War|
Arab Spring|
Brexit|
Six Nations|RBS Six Nations;Six Nations Championship
";

/// Titles of works and programmes, recognised as OTHER.
pub(crate) const WORKS: &str = "\
Meet the Press|
Face the Nation|
60 Minutes|
";

/// Words that introduce a person's name ("President", "adviser", "Mr.").
/// Matched case-insensitively, without a trailing period.
pub(crate) const PERSON_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice",
    "premier",
    "chancellor",
    "minister",
    "secretary",
    "adviser",
    "advisor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "envoy",
    "senator",
    "sen",
    "congressman",
    "congresswoman",
    "representative",
    "rep",
    "governor",
    "gov",
    "mayor",
    "judge",
    "justice",
    "general",
    "gen",
    "colonel",
    "col",
    "lieutenant",
    "lt",
    "captain",
    "capt",
    "sergeant",
    "sgt",
    "major",
    "admiral",
    "commander",
    "chief",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "sheikh",
    "emir",
    "ayatollah",
    "rabbi",
    "imam",
    "reverend",
    "rev",
    "father",
    "bishop",
    "cardinal",
    "leader",
    "officer",
    "analyst",
    "official",
    "deputy",
    "economist",
    "coach",
    "striker",
    "manager",
    "founder",
    "author",
    "attorney",
    "prosecutor",
    "lawyer",
    "detective",
    "inspector",
    "superintendent",
    "diplomat",
    "negotiator",
    "candidate",
    "nominee",
    "mp",
    "lawmaker",
    "correspondent",
    "reporter",
    "editor",
    "professor",
    "researcher",
    "scientist",
    "executive",
    "councilor",
    "councillor",
    "councilman",
    "councilwoman",
    "alderman",
    "commissioner",
    "cfo",
    "coo",
    "cto",
    "chairperson",
    "maire",
    "ministre",
    "président",
    "présidente",
    "vice-président",
    "vice-présidente",
    "directeur",
    "directrice",
    "porte-parole",
    "député",
    "sénateur",
    "bürgermeister",
    "sprecher",
    "sprecherin",
    "alcalde",
    "presidente",
];

/// Role nouns that, in an appositive right after a capitalised name, make it
/// a person (", chief executive officer of", ", a spokeswoman for", ", the
/// café owner"); the person titles count too.
pub(crate) const APPOSITIVE_ROLES: &[&str] = &[
    "owner",
    "co-founder",
    "cofounder",
    "head",
    "member",
    "partner",
    "employee",
    "worker",
    "resident",
    "son",
    "daughter",
    "wife",
    "husband",
    "mother",
    "father",
    "brother",
    "sister",
    "widow",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "vice-president",
    "vice-presidente",
    "aged",
    "who",
];

/// Lower-case nouns that, right before a capitalised name, make it an
/// organisation ("the Dutch firm Van Dijk", "l'association Lyon Vélo").
pub(crate) const ORG_CUES: &[&str] = &[
    "firm",
    "company",
    "startup",
    "start-up",
    "maker",
    "manufacturer",
    "automaker",
    "carmaker",
    "chipmaker",
    "retailer",
    "lender",
    "insurer",
    "bank",
    "carrier",
    "airline",
    "conglomerate",
    "publisher",
    "broadcaster",
    "newspaper",
    "charity",
    "nonprofit",
    "non-profit",
    "association",
    "organisation",
    "organization",
    "subsidiary",
    "supplier",
    "société",
    "entreprise",
    "groupe",
    "syndicat",
    "fabricant",
    "firma",
    "unternehmen",
    "empresa",
];

/// First words that make a capitalised sequence an organisation
/// ("Ministry of Defence", "Métropole de Lyon", "Banque de France").
pub(crate) const ORG_HEADS: &[&str] = &[
    "ministry",
    "department",
    "university",
    "bank",
    "council",
    "institute",
    "academy",
    "agency",
    "commission",
    "federation",
    "association",
    "métropole",
    "ministère",
    "université",
    "banque",
    "conseil",
    "mairie",
    "préfecture",
    "société",
    "institut",
    "agence",
    "fédération",
    "assemblée",
    "syndicat",
    "universität",
    "ministerium",
    "universidad",
    "ministerio",
];

/// Lower-case words that, right before a capitalised name, make it a place
/// ("la région Auvergne-Rhône-Alpes"), and the nouns that do so with "of" or
/// "de" in between ("the mayor of Springfield", "le maire de Vénissieux").
pub(crate) const PLACE_CUES: &[&str] = &[
    "région",
    "region",
    "province",
    "département",
    "canton",
    "county",
    "préfecture",
];
pub(crate) const PLACE_OF_CUES: &[&str] = &[
    "mayor",
    "maire",
    "city",
    "town",
    "village",
    "region",
    "province",
    "state",
    "ville",
    "commune",
    "governor",
    "outskirts",
    "suburbs",
    "banlieue",
    "capital",
    "capitale",
    "alcalde",
    "bürgermeister",
    "centre",
    "center",
];

/// Legal-form and group words that may end an organisation's name and be left
/// out when it is named again ("Northwind Robotics Inc." → "Northwind
/// Robotics", "Northwind").
pub(crate) const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "nv",
    "bv",
    "se",
    "spa",
    "group",
    "holdings",
    "holding",
];

/// US states and Canadian provinces as written after a city ("SAN JOSE,
/// Calif."), with their country.
pub(crate) const REGIONS: &str = "\
Alabama;Ala.;AL|US
Alaska;AK|US
Arizona;Ariz.;AZ|US
Arkansas;Ark.;AR|US
California;Calif.;Cal.;CA|US
Colorado;Colo.;CO|US
Connecticut;Conn.;CT|US
Delaware;Del.;DE|US
Florida;Fla.;FL|US
Georgia;Ga.;GA|US
Hawaii;HI|US
Idaho;ID|US
Illinois;Ill.;IL|US
Indiana;Ind.;IN|US
Iowa;IA|US
Kansas;Kan.;Kans.;KS|US
Kentucky;Ky.;KY|US
Louisiana;La.;LA|US
Maine;ME|US
Maryland;Md.;MD|US
Massachusetts;Mass.;MA|US
Michigan;Mich.;MI|US
Minnesota;Minn.;MN|US
Mississippi;Miss.;MS|US
Missouri;Mo.;MO|US
Montana;Mont.;MT|US
Nebraska;Neb.;Nebr.;NE|US
Nevada;Nev.;NV|US
New Hampshire;N.H.;NH|US
New Jersey;N.J.;NJ|US
New Mexico;N.M.;N.Mex.;NM|US
New York;N.Y.;NY|US
North Carolina;N.C.;NC|US
North Dakota;N.D.;ND|US
Ohio;OH|US
Oklahoma;Okla.;OK|US
Oregon;Ore.;Oreg.;OR|US
Pennsylvania;Pa.;Penn.;PA|US
Rhode Island;R.I.;RI|US
South Carolina;S.C.;SC|US
South Dakota;S.D.;SD|US
Tennessee;Tenn.;TN|US
Texas;Tex.;TX|US
Utah;UT|US
Vermont;Vt.;VT|US
Virginia;Va.;VA|US
Washington;Wash.;WA|US
West Virginia;W.Va.;W.V.;WV|US
Wisconsin;Wis.;Wisc.;WI|US
Wyoming;Wyo.;WY|US
D.C.;DC;District of Columbia|US
Ontario;Ont.;ON|CA
Quebec;Québec;Que.;QC|CA
British Columbia;B.C.;BC|CA
Alberta;Alta.;AB|CA
Manitoba;Man.;MB|CA
Saskatchewan;Sask.;SK|CA
Nova Scotia;N.S.;NS|CA
New Brunswick;N.B.;NB|CA
Newfoundland;Nfld.;NL|CA
England|GB
Scotland|GB
Wales|GB
";

/// Words that describe a role and so are not a name by themselves (they may
/// be capitalised before a name: "Deputy National Security Adviser").
pub(crate) const ROLE_WORDS: &[&str] = &[
    "national",
    "security",
    "foreign",
    "defense",
    "defence",
    "interior",
    "finance",
    "prime",
    "assistant",
    "senior",
    "executive",
    "head",
    "state",
    "affairs",
    "health",
    "trade",
    "justice",
    "energy",
    "economy",
    "white",
    "house",
    "press",
    "former",
    "acting",
    "interim",
    "deputy",
    "special",
    "supreme",
    "high",
    "first",
    "lady",
    "general",
    "attorney",
    "chief",
    "staff",
    "council",
    "federal",
    "minister",
    "secretary",
    "adviser",
    "advisor",
    "president",
    "vice",
    "director",
    "spokesman",
    "spokeswoman",
    "officer",
    "leader",
    "commander",
];

/// Last words that make a capitalised sequence an organisation.
pub(crate) const ORG_SUFFIXES: &[&str] = &[
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "ltd",
    "ltd.",
    "llc",
    "plc",
    "ag",
    "gmbh",
    "sa",
    "group",
    "party",
    "ministry",
    "department",
    "university",
    "college",
    "institute",
    "agency",
    "council",
    "committee",
    "commission",
    "bank",
    "association",
    "foundation",
    "federation",
    "union",
    "front",
    "army",
    "navy",
    "force",
    "forces",
    "police",
    "court",
    "office",
    "bureau",
    "company",
    "holdings",
    "airlines",
    "airways",
    "network",
    "news",
    "times",
    "post",
    "journal",
    "press",
    "society",
    "organization",
    "organisation",
    "authority",
    "board",
    "church",
    "club",
    "fund",
    "service",
    "services",
    "school",
    "hospital",
    "brigade",
    "brigades",
    "movement",
    "coalition",
    "alliance",
    "assembly",
    "parliament",
    "senate",
    "congress",
    "administration",
    "guard",
    "command",
    "center",
    "centre",
    "laboratories",
    "labs",
    "motors",
    "technologies",
    "systems",
    "media",
    "tribunal",
    "cabinet",
];

/// Verbs of speech; a capitalised name right before one is a person.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "stated",
    "explained",
    "noted",
    "asked",
    "wrote",
    "warned",
    "insisted",
    "argued",
    "claimed",
    "announced",
    "declared",
    "replied",
    "responded",
    "answered",
    "acknowledged",
    "admitted",
    "confirmed",
    "denied",
    "urged",
    "cautioned",
    "stressed",
    "tweeted",
    "posted",
    "recalled",
    "continued",
    "suggested",
    "believes",
    "believed",
    "thinks",
    "thought",
    "predicted",
    "commented",
    "remarked",
    "observed",
    "conceded",
    "pointed",
    "describes",
    "described",
    "testified",
    "vowed",
    "promised",
    "pledged",
    "reported",
    "adds",
    "tells",
    "explains",
    "notes",
    "asks",
    "writes",
    "warns",
    "insists",
    "argues",
    "claims",
    "announces",
];

/// Common first names (international, news-weighted), with their gender:
/// a bare name is a man's, `Name/f` a woman's, `Name/u` either's. Read it
/// through [`first_names`].
pub(crate) const FIRST_NAMES: &str = "\
Aaron Abdul Abdullah Abigail/f Adam Adrian Ahmad Ahmed Aisha/f Alan Albert Alberto Alejandro Alex/u Alexander Alexandra/f \
Alexei Alexis/u Alfred Ali/u Alice/f Alicia/f Alison/f Amanda/f Amber/f Amy/f Ana/f Andrea/f Andreas Andrew Andrés Andy Angela/f Angelina/f \
Ann/f Anna/f Anne/f Annie/f Anthony Antonio Arthur Ashley/f Ashraf Barack Barbara/f Bashar Ben Benjamin Bernard Bernie Beth/f \
Betty/f Bill Billy Bob Bobby Boris Brad Bradley Brandon Brenda/f Brian Bruce Bruno Bryan Carl Carla/f Carlos Carmen/f Carol/f \
Caroline/f Catherine/f Charles Charlie Charlotte Cheryl/f Chris/u Christian Christina/f Christine/f Christopher Claire/f Claude \
Claudia/f Colin Craig Cynthia/f Dan Daniel Daniela/f Danielle/f Darren David Dean Deborah/f Debra/f Denis Dennis Diana/f Diane/f \
Dick Dmitry Dominic Donald Donna/f Doris/f Dorothy/f Douglas Ed Eddie Edward Elena/f Eli Elizabeth/f Ellen/f Emily/f Emma/f \
Emmanuel Eric Erik Ernest Eugene Eva/f Evan Evelyn/f Fabrice Fatima/f Felix Fernando Frances/f Francesca/f Francis Francisco \
François Frank Franz Fred Frederick Gary Gavin Gene George Georgia Gerald Gerhard Gloria/f Gordon Grace/f Greg Gregory \
Hans Harold Harry Hassan Heather/f Helen/f Helmut Henry Hillary/f Howard Hugh Hugo Hussein Ian Ibrahim Igor Irene/f Isaac \
Isabel/f Ivan Jack Jackie/u Jacob Jacques James Jamie/u Jan/u Jane/f Jeb Janet/f Janice/f Jason Javier Jean/u Jeff Jeffrey Jennifer/f \
Jeremy Jerry Jessica/f Jill/f Jim Jimmy Joan/f Joanna/f Joe Joel John Johnny Jon Jonathan Jorge José Joseph Josh Joshua \
Joyce/f Juan Judith/f Judy/f Julia/f Julian Julie/f Justin Karen/f Karim Karl Kate/f Katherine/f Kathleen/f Kathryn/f Katie/f Keith Kelly/u \
Ken Kenneth Kevin Khalid Kim/u Kimberly/f Kurt Larry Laura/f Lauren/f Laurent Lawrence Leo Leon Leonard Linda/f Lisa/f Louis \
Louise/f Lucas Lucy/f Luis Luke Lynn/u Mahmoud Manuel Marc Marco Margaret/f Maria/f Marie/f Marina/f Mario Mark Martin Mary/f \
Matt Matthew Maurice Max Megan/f Melissa/f Michael Michel Michelle/f Miguel Mike Mikhail Mohamed Mohammad Mohammed \
Muhammad Nancy/f Natalie/f Nathan Nicholas Nick Nicola/f Nicolas Nicole/f Nikolai Noah Olga/f Oliver Olivia/f Omar Oscar Pamela/f \
Patricia/f Patrick Paul Paula/f Pedro Peter Philip Philippe Pierre Rachel/f Rafael Ralph Ramon Randy Raul Ray Raymond \
Rebecca/f Recep Richard Rick Rita/f Rob Robert Roberto Robin/u Roger Ron Ronald Rosa/f Rose/f Ruth/f Ryan Sally/f Sam/u Samantha/f \
Samuel Sandra/f Sara/f Sarah/f Scott Sean Sebastian Sergei Sergey Sharon/f Shirley/f Simon Sophie/f Stefan Stephanie/f Stephen \
Steve Steven Susan/f Sylvia/f Tamara/f Ted Teresa/f Terry/u Theresa/f Thomas Tim Timothy Tina/f Todd Tom Tony Tyler Valerie/f \
Vanessa/f Victor Victoria/f Vincent Viktor Virginia/f Vladimir Walter Wayne Wendy/f William Willie Wolfgang Xi Yasser \
Yusuf Zachary Ziad Angela/f Emmanuel François Hollande Manuel Shinzo Narendra Justin Theresa/f Benjamin Hassan Recep \
Jens Federica/f Ashton Kofi Ban Antony Mitt Marco Ted Lindsey Nancy/f Elizabeth/f Kamala/f Joe Jill/f Hunter Volodymyr \
Olaf Giorgia/f Pedro Rishi Keir Liz/f Jair Luiz Cyril Abiy Xavier Sadiq Nigel Jeremy Alexei Ursula/f Charles Camilla/f \
René Renée/f Nadia/f Markus Jürgen Jörg Uwe Dieter Klaus Sabine/f Ingrid/f Astrid Lars Sven Søren Björn Magnus Priya/f Rahul \
Amit Sanjay Deepak Anil Sunil Arjun Anita Sunita/f Pooja/f Ravi Vijay Hiroshi Takeshi Kenji Yuki Haruki Akira Min-jun \
Ji-woo Kwame Chidi Ngozi Oluwaseun Amina Yusuf Tariq Layla/f Leila/f Noura/f Reza Ali/u Mehmet Ahmet Emre Elif/f Ayşe \
Piotr Krzysztof Agnieszka Katarzyna Tomasz Jakub Pavel Petr Jana/f Ivana/f Dragan Nikola Milan Stefano Giuseppe \
Giovanni Luca Matteo Alessandro Chiara/f Giulia/f Sofia/f Lucia/f Pablo Diego Alejandra Camila/f Valentina/f Joaquín João \
Thiago Gabriel Mateus Beatriz/f Inês Mariana/f \
Betsy/f Carly/f Debbie/f Dianne/f Elise/f Huma/f Ivanka/f Jeanne/f \
Kayleigh/f Kellyanne/f Kirsten/f Loretta/f Madeleine/f Maggie/f Martha/f Maxine/f Megyn/f Melania/f Michele/f \
Mika/f Nikki/f Nina/f Patty/f Susana/f Tulsi/f";

/// What [`FIRST_NAMES`] says of a name's bearer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameGender {
    Male,
    Female,
    Either,
}

/// The names of [`FIRST_NAMES`] with their gender.
pub(crate) fn first_names() -> impl Iterator<Item = (&'static str, NameGender)> {
    FIRST_NAMES
        .split_whitespace()
        .map(|w| match w.split_once('/') {
            Some((name, "f")) => (name, NameGender::Female),
            Some((name, _)) => (name, NameGender::Either),
            None => (w, NameGender::Male),
        })
}

/// Words that look capitalised at the start of a sentence or a quotation but
/// are not names.
pub(crate) const NOT_NAMES: &str = "\
The A An This That These Those It Its He She They We I You His Her Their Our My Your There Here What When Where \
I'm I’m I've I’ve I'll I’ll I'd I’d \
Why How Who Which While Whether If In On At By For From With Without Of To As And But Or Nor So Yet After Before \
During Since Until Although Though Because Despite However Meanwhile Moreover Furthermore Nevertheless Clearly \
Separately Also Still Then Now Today Tomorrow Yesterday Later Earlier Already Just Only Even Many Most Some Several \
All Both Each Every No Not None Nothing Something Everything Anyone Everyone Watch Read Click Share Subscribe Follow \
Sign Please Note Update Updated Editing Reporting Writing Additional Photo Video Image Source Sources Officials \
Police Authorities Witnesses Residents Experts Analysts Critics Supporters Others Yes Well Oh Thanks Thank Dear \
Mr Mrs Ms Dr Breaking Exclusive Analysis Opinion Comment Editorial Live Latest News Advertisement Related More \
Less Other Another Such Last Next First Second Third New Old Big Small Top Full Free Good Bad Best Worst Major \
Former Acting Chief Senior Deputy Mostly Finally Instead Indeed Perhaps Maybe Certainly Obviously Apparently \
Initially Additionally Overall Again Never Always Often Sometimes Once Twice Let Let's Please Asked Speaking \
Sunday Monday Tuesday Wednesday Thursday Friday Saturday January February March April May June July August \
September October November December";

// ---------------------------------------------------------------------------
// Name lists: GeoNames places and US census names (`models/names.bin`).
// ---------------------------------------------------------------------------

/// The name lists' magic; the layout is the word clusters' (see
/// [`super::clusters`]), with a mask of [`list`] bits where the clusters
/// keep a path.
pub(crate) const LISTS_MAGIC: &[u8; 8] = b"DSNAM1\n\0";

/// What a name list entry is: bits of the mask a lookup gives.
pub(crate) mod list {
    /// A city of 15,000 people or more (GeoNames `cities15000`).
    pub(crate) const CITY: u16 = 1;
    /// A city of 1,000,000 people or more.
    pub(crate) const BIG_CITY: u16 = 2;
    /// A country or a continent.
    pub(crate) const COUNTRY: u16 = 4;
    /// A US state or county ("Cook County" and "Cook").
    pub(crate) const REGION: u16 = 8;
    /// A first name of the 1990 US census.
    pub(crate) const FIRST_NAME: u16 = 16;
    /// One of the census's 10,000 most frequent surnames.
    pub(crate) const SURNAME: u16 = 32;
    /// A rarer census surname.
    pub(crate) const RARE_SURNAME: u16 = 64;
}

/// The embedded name lists (written by `docsift train names`).
static LISTS_BYTES: &[u8] = include_bytes!("../../models/names.bin");

static LISTS: LazyLock<Option<Clusters<'static>>> =
    LazyLock::new(|| Clusters::parse_with(LISTS_BYTES, LISTS_MAGIC));

/// Lists that replace the embedded ones for the whole process (set by
/// `--names FILE` of `docsift train ner` and `docsift eval ner`).
static LISTS_REPLACEMENT: std::sync::OnceLock<Clusters<'static>> = std::sync::OnceLock::new();

/// Makes the tagger use the lists encoded in `bytes` instead of the
/// embedded ones. Returns `false`, changing nothing, when the bytes are not
/// lists or a replacement is already in place.
pub(crate) fn replace_lists(bytes: &'static [u8]) -> bool {
    Clusters::parse_with(bytes, LISTS_MAGIC).is_some_and(|c| LISTS_REPLACEMENT.set(c).is_ok())
}

/// The name lists in use: a lookup of a phrase hash
/// ([`super::tagger::phrase_hash`]) gives its [`list`] mask, 0 if none.
pub(crate) fn lists() -> Option<Clusters<'static>> {
    LISTS_REPLACEMENT.get().copied().or(*LISTS)
}
