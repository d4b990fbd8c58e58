// Demo data: a realistic, deterministic programme (enterprises in both countries with contacts,
// twelve months of services and follow-ups, enrollments at every stage, matchmaking pairs at
// every stage, events with participations).
//
// Every record is written through the public facade methods, so each write takes the one write
// path (validation, stamping and, later, change capture); no SQL here. Content depends only on
// the seed and today's date in this office; the ids come from the session's random source.
// Stage histories are stamped by the session clock, so they all carry today's date.
// The count returned is of rows written: inserts, plus the enrollment and matchmaking rows a
// stage change updates (each change also appends a history row).
//
// [SECTION] Vocabulary   — cities, name parts, people, service texts
// [SECTION] Generators   — names, identifiers, phones
// [SECTION] Seeder       — the plan and the writes
#include "dosti/demo.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "session_impl.h"

namespace dosti {
namespace {

// [SECTION] Vocabulary

struct CnCity {
  const char* zh;
  const char* en;
  const char* abbr;      // for web domains
  const char* region;    // ISO 3166-2
  const char* division;  // administrative division code, characters 3–8 of a USCC
  const char* street;    // district and street, for addresses
  const char* area;      // telephone area code with trunk 0
  int weight;
};
constexpr CnCity kCnCities[] = {
    {"北京", "Beijing", "bj", "CN-BJ", "110108", "海淀区中关村大街", "010", 30},
    {"上海", "Shanghai", "sh", "CN-SH", "310115", "浦东新区张江路", "021", 14},
    {"深圳", "Shenzhen", "sz", "CN-GD", "440305", "南山区科技园南区", "0755", 14},
    {"广州", "Guangzhou", "gz", "CN-GD", "440106", "天河区珠江新城华夏路", "020", 6},
    {"杭州", "Hangzhou", "hz", "CN-ZJ", "330106", "西湖区文三路", "0571", 9},
    {"宁波", "Ningbo", "nb", "CN-ZJ", "330212", "鄞州区首南中路", "0574", 3},
    {"南京", "Nanjing", "nj", "CN-JS", "320114", "雨花台区软件大道", "025", 6},
    {"苏州", "Suzhou", "su", "CN-JS", "320594", "工业园区星湖街", "0512", 5},
    {"成都", "Chengdu", "cd", "CN-SC", "510109", "高新区天府大道中段", "028", 7},
    {"乌鲁木齐", "Urumqi", "wlmq", "CN-XJ", "650104", "新市区北京南路", "0991", 4},
    {"喀什", "Kashgar", "ks", "CN-XJ", "653101", "经济开发区深喀大道", "0998", 2},
};

// A trade name (字号) with its pinyin.
struct CnWord {
  const char* zh;
  const char* py;
};
constexpr CnWord kCnWords[] = {
    {"智联", "Zhilian"},  {"华信", "Huaxin"},  {"中科", "Zhongke"},    {"云帆", "Yunfan"},
    {"天衡", "Tianheng"}, {"博睿", "Borui"},   {"鼎信", "Dingxin"},    {"星河", "Xinghe"},
    {"金桥", "Jinqiao"},  {"丝路", "Silu"},    {"远景", "Yuanjing"},   {"锐思", "Ruisi"},
    {"海纳", "Haina"},    {"启明", "Qiming"},  {"同创", "Tongchuang"}, {"恒通", "Hengtong"},
    {"卓越", "Zhuoyue"},  {"万维", "Wanwei"},  {"新航", "Xinhang"},    {"长风", "Changfeng"},
    {"青鸟", "Qingniao"}, {"数联", "Shulian"}, {"瀚海", "Hanhai"},     {"蓝湾", "Lanwan"},
    {"麒麟", "Qilin"},    {"晨曦", "Chenxi"},  {"汇智", "Huizhi"},     {"融通", "Rongtong"},
    {"格物", "Gewu"},     {"和光", "Heguang"}, {"明德", "Mingde"},     {"睿驰", "Ruichi"},
    {"飞鸿", "Feihong"},  {"泰和", "Taihe"},
};

struct CnIndustry {
  const char* zh;
  const char* en;
  const char* tag;     // for web domains
  const char* sector;  // ISIC Rev.4 class
  int weight;
};
constexpr CnIndustry kCnIndustries[] = {
    {"科技", "Technology", "tech", "6201", 14},
    {"软件", "Software", "soft", "6201", 12},
    {"信息技术", "Information Technology", "it", "6202", 10},
    {"数据科技", "Data Technology", "data", "6311", 9},
    {"网络科技", "Network Technology", "net", "6311", 7},
    {"云计算", "Cloud Computing", "cloud", "6311", 5},
    {"智能科技", "Intelligent Technology", "ai", "6201", 8},
    {"电子", "Electronics", "elec", "2610", 8},
    {"生物科技", "Biotechnology", "bio", "7210", 6},
    {"新能源科技", "New Energy Technology", "energy", "7210", 5},
    {"教育科技", "Education Technology", "edu", "8549", 6},
    {"国际贸易", "International Trading", "trade", "4651", 10},
};

struct PkCity {
  const char* en;
  const char* region;
  const char* street;  // address after the number
  const char* area;    // telephone area code with trunk 0
  int weight;
};
constexpr PkCity kPkCities[] = {
    {"Islamabad", "PK-IS", "Jinnah Avenue, Blue Area", "051", 28},
    {"Rawalpindi", "PK-PB", "Murree Road, Saddar", "051", 6},
    {"Lahore", "PK-PB", "Main Boulevard, Gulberg III", "042", 22},
    {"Faisalabad", "PK-PB", "Susan Road, Madina Town", "041", 5},
    {"Karachi", "PK-SD", "Shahrah-e-Faisal, PECHS", "021", 20},
    {"Hyderabad", "PK-SD", "Auto Bhan Road, Latifabad", "022", 3},
    {"Peshawar", "PK-KP", "University Road, University Town", "091", 6},
    {"Abbottabad", "PK-KP", "Mansehra Road, Supply", "0992", 2},
    {"Quetta", "PK-BA", "Jinnah Road", "081", 3},
    {"Gwadar", "PK-BA", "Gwadar Free Zone North", "086", 3},
};

// A trade name in English, Urdu and Chinese.
struct PkWord {
  const char* en;
  const char* ur;
  const char* zh;
};
constexpr PkWord kPkWords[] = {
    {"Indus", "انڈس", "印度河"},
    {"Margalla", "مارگلہ", "马尔加拉"},
    {"Ravi", "راوی", "拉维"},
    {"Karakoram", "قراقرم", "喀喇昆仑"},
    {"Crescent", "کریسنٹ", "新月"},
    {"Falcon", "فالکن", "猎鹰"},
    {"Zaitoon", "زیتون", "橄榄"},
    {"Khyber", "خیبر", "开伯尔"},
    {"Mehran", "مہران", "梅赫兰"},
    {"Shalimar", "شالیمار", "夏利马尔"},
    {"Chenab", "چناب", "杰纳布"},
    {"Jhelum", "جہلم", "杰赫勒姆"},
    {"Hunza", "ہنزہ", "罕萨"},
    {"Gwadar", "گوادر", "瓜达尔"},
    {"Noor", "نور", "光明"},
    {"Sitara", "ستارہ", "星辰"},
    {"Apex", "ایپکس", "顶点"},
    {"Nexus", "نیکسس", "纽带"},
    {"Orbit", "اوربٹ", "轨道"},
    {"Summit", "سمٹ", "巅峰"},
    {"Sapphire", "سفائر", "蓝宝石"},
    {"Kohinoor", "کوہ نور", "光之山"},
    {"Saffron", "سیفرون", "藏红花"},
    {"Badshahi", "بادشاہی", "巴德夏希"},
    {"Nishat", "نشاط", "尼沙特"},
    {"Silk Route", "سلک روٹ", "丝路"},
    {"Blue Pine", "بلیو پائن", "蓝松"},
    {"Deodar", "دیودار", "雪松"},
    {"Pearl", "پرل", "珍珠"},
    {"Ufaq", "افق", "地平线"},
};

struct PkIndustry {
  const char* en;
  const char* ur;
  const char* zh;
  const char* tag;
  const char* sector;
  int weight;
};
constexpr PkIndustry kPkIndustries[] = {
    {"Data Systems", "ڈیٹا سسٹمز", "数据系统", "data", "6311", 10},
    {"Software", "سافٹ ویئر", "软件", "soft", "6201", 14},
    {"Technologies", "ٹیکنالوجیز", "科技", "tech", "6202", 12},
    {"Solutions", "سلوشنز", "解决方案", "solutions", "6202", 10},
    {"IT Services", "آئی ٹی سروسز", "信息技术服务", "it", "6202", 8},
    {"Cloud", "کلاؤڈ", "云服务", "cloud", "6311", 5},
    {"Digital", "ڈیجیٹل", "数字", "digital", "6201", 7},
    {"Electronics", "الیکٹرانکس", "电子", "electronics", "2610", 7},
    {"Labs", "لیبز", "实验室", "labs", "7210", 5},
    {"Biotech", "بائیوٹیک", "生物科技", "biotech", "7210", 4},
    {"Learning", "لرننگ", "教育", "learning", "8549", 6},
    {"Traders", "ٹریڈرز", "贸易", "traders", "4651", 10},
};

struct Name2 {
  const char* native;
  const char* latin;
};
constexpr Name2 kCnSurnames[] = {
    {"王", "Wang"},  {"李", "Li"},   {"张", "Zhang"}, {"刘", "Liu"},  {"陈", "Chen"},
    {"杨", "Yang"},  {"赵", "Zhao"}, {"黄", "Huang"}, {"周", "Zhou"}, {"吴", "Wu"},
    {"徐", "Xu"},    {"孙", "Sun"},  {"胡", "Hu"},    {"朱", "Zhu"},  {"高", "Gao"},
    {"林", "Lin"},   {"何", "He"},   {"郭", "Guo"},   {"马", "Ma"},   {"罗", "Luo"},
    {"梁", "Liang"}, {"宋", "Song"}, {"郑", "Zheng"}, {"谢", "Xie"},  {"韩", "Han"},
    {"唐", "Tang"},  {"冯", "Feng"}, {"董", "Dong"},  {"萧", "Xiao"}, {"欧阳", "Ouyang"},
};
// Given names, including everyday characters that the "common" CJK glyph sets miss (喆, 堃, 浏).
constexpr Name2 kCnGiven[] = {
    {"伟", "Wei"},       {"芳", "Fang"},     {"娜", "Na"},         {"秀英", "Xiuying"},
    {"敏", "Min"},       {"静", "Jing"},     {"强", "Qiang"},      {"磊", "Lei"},
    {"军", "Jun"},       {"洋", "Yang"},     {"勇", "Yong"},       {"艳", "Yan"},
    {"杰", "Jie"},       {"涛", "Tao"},      {"明", "Ming"},       {"超", "Chao"},
    {"霞", "Xia"},       {"浩然", "Haoran"}, {"子涵", "Zihan"},    {"欣怡", "Xinyi"},
    {"梓轩", "Zixuan"},  {"宇轩", "Yuxuan"}, {"思远", "Siyuan"},   {"嘉怡", "Jiayi"},
    {"喆", "Zhe"},       {"堃", "Kun"},      {"浏阳", "Liuyang"},  {"晓东", "Xiaodong"},
    {"建国", "Jianguo"}, {"海燕", "Haiyan"}, {"志强", "Zhiqiang"}, {"雨桐", "Yutong"},
    {"一鸣", "Yiming"},  {"立新", "Lixin"},
};
constexpr Name2 kPkGiven[] = {
    {"محمد", "Muhammad"}, {"احمد", "Ahmed"},  {"علی", "Ali"},       {"عثمان", "Usman"},
    {"بلال", "Bilal"},    {"عمران", "Imran"}, {"کامران", "Kamran"}, {"حمزہ", "Hamza"},
    {"فیصل", "Faisal"},   {"سعد", "Saad"},    {"عمر", "Omar"},      {"ذیشان", "Zeeshan"},
    {"اسد", "Asad"},      {"جنید", "Junaid"}, {"عائشہ", "Ayesha"},  {"فاطمہ", "Fatima"},
    {"حنا", "Hina"},      {"ثنا", "Sana"},    {"زینب", "Zainab"},   {"مریم", "Maryam"},
    {"آمنہ", "Amna"},     {"سعدیہ", "Sadia"}, {"ندا", "Nida"},      {"رابعہ", "Rabia"},
    {"مہوش", "Mehwish"},
};
constexpr Name2 kPkFamily[] = {
    {"خان", "Khan"},       {"ملک", "Malik"},   {"قریشی", "Qureshi"},   {"شیخ", "Sheikh"},
    {"رضا", "Raza"},       {"بٹ", "Butt"},     {"چوہدری", "Chaudhry"}, {"حسین", "Hussain"},
    {"صدیقی", "Siddiqui"}, {"جاوید", "Javed"}, {"اقبال", "Iqbal"},     {"مرزا", "Mirza"},
    {"عباسی", "Abbasi"},   {"بلوچ", "Baloch"}, {"اعوان", "Awan"},      {"شاہ", "Shah"},
    {"اختر", "Akhtar"},    {"طارق", "Tariq"},  {"اسلم", "Aslam"},      {"ہاشمی", "Hashmi"},
};

constexpr const char* kCnPositions[] = {"总经理",         "副总经理",   "董事长",
                                        "海外业务部总监", "市场总监",   "技术总监",
                                        "国际合作部经理", "首席执行官", "销售经理"};
constexpr const char* kPkPositions[] = {"CEO",
                                        "Managing Director",
                                        "Director Business Development",
                                        "Chief Technology Officer",
                                        "Head of International Partnerships",
                                        "General Manager",
                                        "Country Manager, China Desk",
                                        "Finance Director"};

// Service summaries per category (kServiceCategories order): three in English, three in Chinese.
struct Summaries {
  const char* en[3];
  const char* zh[3];
};
constexpr Summaries kSummaries[] = {
    {{"Export compliance training for the sales team",
      "Workshop on cross-border e-commerce platforms in Pakistan",
      "Training on Chinese business etiquette and negotiation"},
     {"为出海团队开展跨境合规培训", "巴基斯坦跨境电商平台运营培训", "中巴商务礼仪与谈判技巧培训"}},
    {{"Market entry strategy: Lahore versus Karachi for the first office",
      "Reviewed the China go-to-market plan and pricing",
      "Partner selection strategy for distribution in Punjab"},
     {"巴基斯坦市场进入策略咨询：拉合尔与卡拉奇选址比较", "审阅海外市场拓展计划及定价策略",
      "旁遮普省渠道合作伙伴筛选策略"}},
    {{"Explained CPEC special economic zone incentives",
      "Briefing on the tax regime of Pakistan's Special Technology Zones",
      "Explained China's export licensing rules for electronics"},
     {"解读中巴经济走廊特别经济区优惠政策", "解读巴基斯坦特殊技术区税收政策",
      "解读中国电子产品出口许可相关规定"}},
    {{"Work visa guidance for two engineers travelling to Beijing",
      "Helped recruit a local country manager in Islamabad",
      "Advice on secondment contracts and social insurance"},
     {"协助两名工程师办理赴巴工作签证", "协助在伊斯兰堡招聘本地国家经理",
      "外派人员合同及社保问题咨询"}},
    {{"Reviewed the draft distribution agreement",
      "Company registration with the SECP: documents checklist",
      "Advice on trademark registration in China"},
     {"审阅经销协议草案", "指导在巴基斯坦证券交易委员会（SECP）注册公司", "在华商标注册法律咨询"}},
    {{"Introduced to the Lahore Chamber of Commerce and Industry",
      "Joined the delegation visit to Zhongguancun Software Park",
      "B2B meeting arranged with a prospective partner"},
     {"引荐拉合尔工商会", "参加中关村软件园考察交流", "安排与潜在合作伙伴的企业对接会"}},
    {{"Introduced to two venture investors for the Series A round",
      "Explained RMB and PKR settlement options with the bank",
      "Prepared the investment proposal for a joint venture"},
     {"对接两家投资机构，讨论A轮融资", "介绍人民币与卢比跨境结算方案",
      "协助准备合资项目投资建议书"}},
};
constexpr int kCategoryWeights[] = {18, 15, 16, 10, 12, 17, 12};

constexpr const char* kNotesEn[] = {
    "Send the meeting minutes", "Share the draft agreement", "Confirm the visa appointment dates",
    "Collect the missing registration documents", "Call to check progress"};
constexpr const char* kNotesZh[] = {"发送会议纪要", "提供协议草案", "确认签证预约时间",
                                    "补齐注册材料", "电话回访了解进展"};
constexpr const char* kBeijingStaff[] = {"李娜", "张伟", "王芳", "陈静", "刘洋"};
constexpr const char* kIslamabadStaff[] = {"Ahmed Raza", "Sara Iqbal", "Usman Ghani", "Hira Shah"};

constexpr const char* kLostReasons[] = {
    "Price expectations too far apart", "The CN partner chose a local distributor",
    "Financing fell through", "Regulatory approval not obtained in time"};

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Enrollment plan per country, in percent, with caps: "none" means never enrolled. With 100
// enterprises per country this gives 70 selected, active or completed; a bigger demo keeps
// selection near the programme's target of 100 (90 at most), as the real one would, and puts
// the rest in the early stages.
struct StageShare {
  const char* stage;
  int percent;
  int cap = 0;  // 0: no cap
};
constexpr StageShare kStagePlan[] = {
    {"none", 2},          {"prospect", 6},    {"nominated", 5},      {"shortlisted", 6},
    {"selected", 20, 26}, {"active", 38, 49}, {"completed", 12, 15}, {"declined", 3},
    {"withdrawn", 4, 6},  {"rejected", 4}};
constexpr StageShare kMatchPlan[] = {
    {"proposed", 16},    {"contacted", 14}, {"introduced", 14},      {"meeting_held", 12},
    {"negotiation", 10}, {"mou_signed", 8}, {"agreement_signed", 6}, {"deal_closed", 6},
    {"on_hold", 6},      {"closed_lost", 8}};
constexpr int kMaxMatches = 250;
constexpr int kCooperationWeights[] = {20, 15, 20, 15, 10, 12, 8};  // kCooperationTypes order

// [SECTION] Generators

class Dice {
 public:
  explicit Dice(uint64_t seed) : rng_(seed) {}
  int Below(int n) { return static_cast<int>(rng_.Below(static_cast<uint64_t>(n))); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }  // inclusive
  bool Chance(int percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(static_cast<int>(N))];
  }
  // Index drawn by integer weights.
  template <typename W>
  size_t Weighted(const W& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = Below(total);
    size_t i = 0;
    for (int w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + Below(10));
    return s;
  }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<size_t>(Below(static_cast<int>(i)))]);
  }

 private:
  SeededRandom rng_;
};

template <typename T, size_t N>
std::vector<int> WeightsOf(const T (&items)[N]) {
  std::vector<int> w;
  for (const T& t : items) w.push_back(t.weight);
  return w;
}

std::string Lower(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A USCC whose characters 3–8 are the division code; `valid` false gives a wrong check
// character (saved with a warning, as some genuine early codes are).
std::string MakeUscc(Dice& dice, std::string_view division, bool valid) {
  std::string code = "91" + std::string(division);
  if (dice.Chance(70)) {
    code += "MA";  // organisation codes issued since 2015 start with MA
    for (int i = 0; i < 7; ++i) code += kUsccAlphabet[static_cast<size_t>(dice.Below(31))];
  } else {
    code += dice.Digits(8);
    code += kUsccAlphabet[static_cast<size_t>(dice.Below(31))];
  }
  char check = UsccCheckCharacter(code);
  if (!valid) {
    size_t at = kUsccAlphabet.find(check);
    check = kUsccAlphabet[(at + 1 + static_cast<size_t>(dice.Below(30))) % 31];
  }
  return code + check;
}

// Splits `n` items by percentages (at least one of each share when `at_least_one`, at most
// each share's cap), spreads what the caps leave over the uncapped shares, and gives the
// rounding remainder to `fill` (or the first uncapped share once `fill` is full); shuffled.
std::vector<std::string> Plan(Dice& dice, int n, const StageShare* shares, size_t count,
                              std::string_view fill, bool at_least_one) {
  std::vector<int> k(count);
  int total = 0, open_percent = 0;
  for (size_t i = 0; i < count; ++i) {
    k[i] = n * shares[i].percent / 100;
    if (k[i] == 0 && at_least_one && std::string_view(shares[i].stage) != "none") k[i] = 1;
    if (shares[i].cap > 0) k[i] = std::min(k[i], shares[i].cap);
    if (shares[i].cap == 0) open_percent += shares[i].percent;
    total += k[i];
  }
  const int rest = n - total;
  for (size_t i = 0; i < count && rest > 0 && open_percent > 0; ++i) {
    if (shares[i].cap > 0) continue;
    int extra = rest * shares[i].percent / open_percent;
    k[i] += extra;
    total += extra;
  }
  size_t fill_at = 0, first_open = 0;
  for (size_t i = count; i-- > 0;) {
    if (shares[i].stage == fill) fill_at = i;
    if (shares[i].cap == 0) first_open = i;
  }
  if (shares[fill_at].cap > 0 && k[fill_at] >= shares[fill_at].cap) fill_at = first_open;
  k[fill_at] += n - total;
  // A tiny n with at_least_one can ask for more than n: take back from the biggest shares.
  while (k[fill_at] < 0) {
    ++k[fill_at];
    --*std::max_element(k.begin(), k.end());
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i)
    out.insert(out.end(), static_cast<size_t>(k[i]), shares[i].stage);
  dice.Shuffle(out);
  return out;
}

bool CountsAsSelected(std::string_view s) {
  return s == "selected" || s == "active" || s == "completed" || s == "withdrawn";
}

// [SECTION] Seeder

struct SeededEnterprise {
  std::string id;
  std::string_view country;  // "CN" or "PK"
  std::string stage;         // the enrollment plan
  std::string name;
  std::string contact_id;  // the primary contact
  std::string source;
};

class Seeder {
 public:
  Seeder(Session& session, uint64_t seed, Date today, Date programme_start)
      : s_(session), dice_(seed), today_(today) {
    // Services fall in the twelve calendar months ending today, never before the programme.
    window_start_ = AddMonths(Date{today.year, today.month, 1}, -11);
    if (window_start_ < programme_start) window_start_ = programme_start;
  }

  int64_t written() const { return written_; }

  Result<void> Run(int n, const Progress& progress, const Cancellation::Watch& cancelled) {
    DOSTI_TRY(AddEvents());
    const int n_cn = n - n / 2, n_pk = n / 2;
    std::vector<std::string> cn_plan =
        Plan(dice_, n_cn, kStagePlan, std::size(kStagePlan), "active", n_cn >= 10);
    std::vector<std::string> pk_plan =
        Plan(dice_, n_pk, kStagePlan, std::size(kStagePlan), "active", n_pk >= 10);
    // Alternate the countries so that any prefix of the run looks like the whole.
    for (int i = 0, c = 0, p = 0; i < n; ++i) {
      if (cancelled.Cancelled()) return CancelledError();
      bool cn = (i % 2 == 0 && c < n_cn) || p >= n_pk;
      SeededEnterprise e;
      e.country = cn ? "CN" : "PK";
      e.stage = cn ? cn_plan[c++] : pk_plan[p++];
      DOSTI_TRY(AddEnterprise(e));
      DOSTI_TRY(AddContacts(e));
      DOSTI_TRY(AddEnrollment(e));
      DOSTI_TRY(AddServices(e));
      DOSTI_TRY(AddParticipations(e));
      enterprises_.push_back(std::move(e));
      if (progress && ((i + 1) % 10 == 0 || i + 1 == n)) progress(i + 1, n, "enterprises");
    }
    DOSTI_TRY(AddMatches(n));
    if (progress) progress(n, n, "matchmaking");
    return {};
  }

 private:
  // Wraps a facade call: counts the rows it wrote, names the step on failure.
  template <typename T>
  Result<T> Do(Result<T> r, int rows, std::string_view what) {
    if (!r) {
      if (r.error().code == ErrorCode::kCancelled) return r.error();
      return WrapError(r.error().code, "demo.step_failed", {{"step", std::string(what)}},
                       r.error());
    }
    written_ += rows;
    return r;
  }

  Date RandomServiceDate() {
    int64_t from = DaysFromCivil(window_start_), to = DaysFromCivil(today_);
    return CivilFromDays(from + dice_.Below(static_cast<int>(to - from + 1)));
  }
  // A day in the calendar month `back` months before today's (0 = this month), up to today.
  Date DayInMonthBack(int back) {
    Date first = AddMonths(Date{today_.year, today_.month, 1}, -back);
    Date d = AddDays(first, dice_.Below(DaysInMonth(first.year, first.month)));
    if (d > today_) d = today_;
    if (d < window_start_) d = window_start_;
    return d;
  }
  const char* Staff(std::string_view office) {
    return office == "beijing" ? dice_.Pick(kBeijingStaff) : dice_.Pick(kIslamabadStaff);
  }

  Result<void> AddEvents() {
    // The latest CIFTIS (early September, Beijing) that has ended by today.
    int year = today_.year;
    auto fair_start = [](int y) {
      return y == 2023 ? Date{2023, 9, 2} : y == 2024 ? Date{2024, 9, 12} : Date{y, 9, 10};
    };
    if (AddDays(fair_start(year), 4) >= today_) --year;
    fair_start_ = fair_start(year);
    auto fair = Do(s_.AddEvent({{"kind", std::string("trade_fair")},
                                {"name", "CIFTIS " + std::to_string(year) +
                                             " 中国国际服务贸易交易会 (China International Fair "
                                             "for Trade in Services)"},
                                {"start_date", FormatDate(fair_start_)},
                                {"end_date", FormatDate(AddDays(fair_start_, 4))},
                                {"city", std::string("Beijing")},
                                {"office", std::string("beijing")}}),
                   1, "CIFTIS event");
    if (!fair) return fair.error();
    fair_id_ = fair->id;

    training_date_ = AddDays(today_, -dice_.Between(40, 70));
    auto training = Do(s_.AddEvent({{"kind", std::string("training")},
                                    {"name", std::string("Doing Business with China: market "
                                                         "entry training, Islamabad")},
                                    {"start_date", FormatDate(training_date_)},
                                    {"end_date", FormatDate(AddDays(training_date_, 1))},
                                    {"city", std::string("Islamabad")},
                                    {"office", std::string("islamabad")}}),
                       1, "training event");
    if (!training) return training.error();
    training_id_ = training->id;

    webinar_date_ = AddDays(today_, -dice_.Between(10, 25));
    auto webinar = Do(s_.AddEvent({{"kind", std::string("webinar")},
                                   {"name", std::string("网络研讨会：巴基斯坦特殊技术区投资政策 "
                                                        "(Webinar: Pakistan's Special Technology "
                                                        "Zones for Chinese investors)")},
                                   {"start_date", FormatDate(webinar_date_)},
                                   {"office", std::string("beijing")}}),
                      1, "webinar event");
    if (!webinar) return webinar.error();
    webinar_id_ = webinar->id;

    b2b_date_ = AddDays(today_, -dice_.Between(100, 130));
    auto b2b = Do(s_.AddEvent({{"kind", std::string("b2b_matchmaking")},
                               {"name", std::string("China–Pakistan B2B matchmaking day, Lahore")},
                               {"start_date", FormatDate(b2b_date_)},
                               {"city", std::string("Lahore")},
                               {"office", std::string("islamabad")}}),
                  1, "B2B event");
    if (!b2b) return b2b.error();
    b2b_id_ = b2b->id;
    return {};
  }

  Result<void> AddEnterprise(SeededEnterprise& e) {
    const bool cn = e.country == "CN";
    const bool complete = CountsAsSelected(e.stage) || e.stage == "shortlisted" ||
                          e.stage == "rejected" || dice_.Chance(60);
    e.source = dice_.Pick({"booth", "booth", "referral", "referral", "referral", "partner",
                           "partner", "partner", "import", "import"});
    if (!complete && dice_.Chance(60)) e.source = "booth";
    Fields f{{"country", std::string(e.country)}};
    std::vector<IdentifierInput> ids;
    std::string sector;
    if (cn) {
      const CnCity& city = kCnCities[dice_.Weighted(WeightsOf(kCnCities))];
      const CnIndustry* industry = nullptr;
      const CnWord* word = nullptr;
      std::string name;
      for (int attempt = 0;; ++attempt) {
        word = &dice_.Pick(kCnWords);
        industry = &kCnIndustries[dice_.Weighted(WeightsOf(kCnIndustries))];
        name = std::string(city.zh) + word->zh + industry->zh;
        if (!names_.count(name) || attempt >= 50) break;
      }
      if (names_.count(name)) name += std::to_string(names_.size());  // only past ~4000 per country
      names_.insert(name);
      bool joint_stock = dice_.Chance(12);
      e.name = name + (joint_stock ? "股份有限公司" : "有限公司");
      f.push_back({"name", e.name});
      f.push_back({"name_en", std::string(city.en) + " " + word->py + " " + industry->en +
                                  (joint_stock ? " Corporation Limited" : " Co., Ltd.")});
      f.push_back({"short_name", std::string(word->zh)});
      sector = industry->sector;
      f.push_back({"region", std::string(city.region)});
      f.push_back({"city", std::string(city.en)});
      f.push_back({"address", std::string(city.zh) + "市" + city.street +
                                  std::to_string(dice_.Between(1, 399)) + "号"});
      domain_ = Domain(Lower(word->py) + industry->tag, city.abbr, ".com.cn");
      area_code_ = city.area;
      if (complete || dice_.Chance(30)) {
        int kind = dice_.Below(100);
        if (kind < 4) {
          ids.push_back(
              {IdentifierType::kCnLegacyRegno, std::string(city.division) + dice_.Digits(9)});
        } else {
          ids.push_back({IdentifierType::kCnUscc, MakeUscc(dice_, city.division, kind >= 9)});
        }
      }
    } else {
      const PkCity& city = kPkCities[dice_.Weighted(WeightsOf(kPkCities))];
      const PkWord* word = nullptr;
      const PkIndustry* industry = nullptr;
      std::string base;
      for (int attempt = 0;; ++attempt) {
        word = &dice_.Pick(kPkWords);
        industry = &kPkIndustries[dice_.Weighted(WeightsOf(kPkIndustries))];
        base = std::string(word->en) + " " + industry->en;
        if (!names_.count(base) || attempt >= 50) break;
      }
      std::string ur = std::string(word->ur) + " " + industry->ur;
      if (names_.count(base)) {
        base += " " + std::string(city.en);  // the same trade name in another city
        ur += " " + std::string(city.en);
      }
      names_.insert(base);
      int suffix = dice_.Below(10);
      e.name = base + (suffix < 6   ? " (Pvt.) Ltd"
                       : suffix < 9 ? " (Private) Limited"
                                    : " (SMC-Private) Limited");
      f.push_back({"name", e.name});
      if (dice_.Chance(85)) f.push_back({"name_ur", ur});
      if (dice_.Chance(40)) {
        f.push_back({"name_zh", std::string(word->zh) + industry->zh + "有限公司"});
      }
      f.push_back({"short_name", std::string(word->en)});
      sector = industry->sector;
      f.push_back({"region", std::string(city.region)});
      f.push_back({"city", std::string(city.en)});
      f.push_back({"address", "Office " + std::to_string(dice_.Between(1, 60)) + ", " +
                                  city.street + ", " + city.en});
      domain_ = Domain(Lower(word->en) + industry->tag, Lower(city.en).substr(0, 3), ".com.pk");
      area_code_ = city.area;
      if (complete || dice_.Chance(30)) {
        bool ntn = dice_.Chance(85), secp = !ntn || dice_.Chance(55);
        if (ntn) {
          std::string base = dice_.Digits(7);
          ids.push_back({IdentifierType::kPkNtn, base + "-" + dice_.Digits(1)});
        }
        if (secp) {
          ids.push_back({IdentifierType::kPkSecp,
                         dice_.Chance(70) ? "0" + dice_.Digits(6) : dice_.Digits(7)});
        }
      }
    }
    if (complete || dice_.Chance(50)) f.push_back({"sector", sector});
    f.push_back({"website", "https://www." + domain_});
    f.push_back({"founded_year", int64_t{dice_.Between(1998, 2022)}});
    int size = dice_.Below(100);
    int employees = size < 10   ? dice_.Between(3, 9)
                    : size < 45 ? dice_.Between(10, 49)
                    : size < 80 ? dice_.Between(50, 249)
                                : dice_.Between(250, 4800);
    f.push_back({"employees", int64_t{employees}});
    f.push_back({"size_class", std::string(employees < 10    ? "micro"
                                           : employees < 50  ? "small"
                                           : employees < 250 ? "medium"
                                                             : "large")});
    f.push_back({"landing_status", std::string(LandingStatus(e.stage))});
    f.push_back({"source", e.source});
    f.push_back({"owning_office", std::string(cn ? "beijing" : "islamabad")});
    f.push_back(
        {"record_state", std::string(!complete && e.source == "booth" ? "draft" : "complete")});
    auto saved = Do(s_.AddEnterprise(f, ids), 1 + static_cast<int>(ids.size()), "enterprise");
    if (!saved) return saved.error();
    e.id = saved->id;
    return {};
  }

  // A web domain not yet used (two cities may have firms with the same trade name).
  std::string Domain(const std::string& base, const std::string& city, const char* tld) {
    std::string d = base + tld;
    if (domains_.insert(d).second) return d;
    d = base + "-" + city + tld;
    if (domains_.insert(d).second) return d;
    d = base + std::to_string(domains_.size()) + tld;
    domains_.insert(d);
    return d;
  }

  const char* LandingStatus(std::string_view stage) {
    int r = dice_.Below(100);
    if (stage == "completed")
      return r < 40 ? "operating" : r < 80 ? "office_registered" : "exploring";
    if (stage == "active") {
      return r < 15 ? "none" : r < 60 ? "exploring" : r < 90 ? "office_registered" : "operating";
    }
    return r < 70 ? "none" : "exploring";
  }

  std::string CnMobile() {
    static constexpr const char* kPrefixes[] = {"130", "131", "132", "133", "135", "136", "137",
                                                "138", "139", "139", "150", "158", "186", "188"};
    std::string p = dice_.Pick(kPrefixes), a = dice_.Digits(4), b = dice_.Digits(4);
    switch (dice_.Below(3)) {  // as people type them; the core normalises to E.164
      case 0:
        return p + " " + a + " " + b;
      case 1:
        return p + a + b;
      default:
        return "+86 " + p + "-" + a + "-" + b;
    }
  }
  std::string PkMobile() {
    // Separate statements: the order of evaluation of operands of + is unspecified, and the
    // same seed must give the same data under every compiler (native and wasm).
    std::string network = "03" + std::to_string(dice_.Below(5));
    network += dice_.Digits(1);
    return network + "-" + dice_.Digits(7);
  }

  Result<void> AddContacts(SeededEnterprise& e) {
    const bool cn = e.country == "CN";
    const bool must_consent = CountsAsSelected(e.stage) || e.stage == "shortlisted";
    int count = dice_.Chance(55) ? 1 : dice_.Chance(70) ? 2 : 3;
    std::set<std::string> used;
    for (int k = 0; k < count; ++k) {
      Fields f{{"enterprise_id", e.id}};
      std::string handle;  // the e-mail's local part
      if (cn) {
        const Name2& family = dice_.Pick(kCnSurnames);
        const Name2& given = dice_.Pick(kCnGiven);
        f.push_back({"full_name", std::string(family.native) + given.native});
        f.push_back({"latin_name", std::string(family.latin) + " " + given.latin});
        f.push_back({"position", std::string(dice_.Pick(kCnPositions))});
        f.push_back({"mobile", CnMobile()});
        handle = Lower(given.latin) + "." + Lower(family.latin);
        if (dice_.Chance(80)) {
          f.push_back({"wechat", dice_.Chance(50) ? Lower(family.latin) + Lower(given.latin) + "_" +
                                                        dice_.Digits(dice_.Between(2, 4))
                                                  : "wxid_" + dice_.Digits(10)});
        }
        if (dice_.Chance(50)) {
          std::string exchange = dice_.Digits(4);
          f.push_back({"office_phone", area_code_ + "-" + exchange + " " + dice_.Digits(4)});
        }
        f.push_back({"preferred_language", std::string(dice_.Chance(85) ? "zh" : "en")});
      } else {
        const Name2& given = dice_.Pick(kPkGiven);
        const Name2& family = dice_.Pick(kPkFamily);
        std::string latin = std::string(given.latin) + " " + family.latin;
        std::string ur = std::string(given.native) + " " + family.native;
        f.push_back({"full_name", latin});
        f.push_back({"name_ur", ur});
        f.push_back({"position", std::string(dice_.Pick(kPkPositions))});
        std::string mobile = PkMobile();
        f.push_back({"mobile", mobile});
        if (dice_.Chance(85)) f.push_back({"whatsapp", dice_.Chance(80) ? mobile : PkMobile()});
        if (dice_.Chance(50)) {
          f.push_back({"office_phone", area_code_ + "-" + dice_.Digits(7)});
        }
        handle = Lower(given.latin) + "." + Lower(family.latin);
        f.push_back({"preferred_language", std::string(dice_.Chance(75) ? "en" : "ur")});
      }
      if (!used.insert(handle).second) handle += std::to_string(k);
      if (dice_.Chance(90)) f.push_back({"email", handle + "@" + domain_});
      bool consent = (k == 0 && must_consent) || dice_.Chance(80);
      if (consent) {
        f.push_back({"consent_contact", int64_t{1}});
        f.push_back({"consent_transfer", int64_t{dice_.Chance(75) ? 1 : 0}});
        f.push_back({"consent_date", FormatDate(AddDays(today_, -dice_.Between(20, 400)))});
        f.push_back({"consent_method", std::string(dice_.Pick({"written", "form", "form", "email",
                                                               "booth", "verbal"}))});
      }
      auto saved = Do(s_.AddContact(f), 1, "contact");
      if (!saved) return saved.error();
      if (k == 0) e.contact_id = saved->id;
    }
    return {};
  }

  Result<void> Enroll(const SeededEnterprise& e, std::string_view stage,
                      std::string_view reason = {}) {
    auto r = Do(s_.Enroll(e.id, stage, reason), 2, "enrollment");
    if (!r) return r.error();
    return {};
  }

  Result<void> AddEnrollment(const SeededEnterprise& e) {
    const std::string& s = e.stage;
    if (s == "none") return {};
    // Walk the pipeline so the stage history reads like the real thing.
    static constexpr const char* kPipeline[] = {"prospect", "nominated", "shortlisted",
                                                "selected", "active",    "completed"};
    std::string_view last = s;
    if (s == "declined") last = dice_.Chance(50) ? "prospect" : "nominated";
    if (s == "rejected") last = "shortlisted";
    if (s == "withdrawn") last = dice_.Chance(50) ? "selected" : "active";
    for (const char* stage : kPipeline) {
      DOSTI_TRY(Enroll(e, stage));
      if (stage == last) break;
    }
    if (s == "declined") {
      return Enroll(e, s, "The enterprise has no plans for the other market this year");
    }
    if (s == "rejected") return Enroll(e, s, "Did not meet the technology criteria");
    if (s == "withdrawn") return Enroll(e, s, "Withdrew after a change of ownership");
    return {};
  }

  int ServiceCount(std::string_view stage) {
    if (stage == "active") return dice_.Between(3, 8);
    if (stage == "completed") return dice_.Between(4, 9);
    if (stage == "selected") return dice_.Between(1, 4);
    if (stage == "withdrawn") return dice_.Between(1, 3);
    if (stage == "nominated" || stage == "shortlisted") return dice_.Between(0, 2);
    return dice_.Between(0, 1);
  }

  Result<void> AddService(const SeededEnterprise& e, int category, Date date, Fields extra) {
    const bool cn = e.country == "CN";
    std::string office = extra.empty()
                             ? std::string(cn ? (dice_.Chance(85) ? "beijing" : "islamabad")
                                              : (dice_.Chance(80) ? "islamabad" : "beijing"))
                             : FieldText(extra, "provider_office");
    const bool chinese = office == "beijing" && dice_.Chance(70);
    const Summaries& texts = kSummaries[category];
    Fields f{
        {"enterprise_id", e.id},
        {"category", std::string(kServiceCategories[static_cast<size_t>(category)])},
        {"service_date", FormatDate(date)},
        {"provider_office", office},
        {"lead_staff", std::string(Staff(office))},
        {"minutes", int64_t{30 + 15 * dice_.Below(15)}},
        {"summary", std::string(chinese ? texts.zh[dice_.Below(3)] : texts.en[dice_.Below(3)])}};
    if (!e.contact_id.empty() && dice_.Chance(70)) f.push_back({"contact_id", e.contact_id});
    if (dice_.Chance(70)) f.push_back({"participants", int64_t{dice_.Between(1, 12)}});
    int r = dice_.Below(100);
    f.push_back({"outcome", std::string(r < 80   ? "completed"
                                        : r < 88 ? "partial"
                                        : r < 94 ? "referred"
                                        : r < 97 ? "no_show"
                                                 : "cancelled")});
    f.push_back({"state", std::string(dice_.Chance(95) ? "final" : "draft")});
    for (const Field& x : extra) SetField(f, x.name, x.value);
    if (!FindField(f, "delivery_mode")) {
      int m = dice_.Below(100);
      f.push_back({"delivery_mode", std::string(m < 50   ? "in_person"
                                                : m < 82 ? "online"
                                                         : "phone")});
    }
    auto saved = Do(s_.AddServiceLog(f, std::nullopt), 1, "service log");
    if (!saved) return saved.error();
    // Some services get a follow-up a week or so later: done, still open, or overdue.
    if (dice_.Chance(30)) {
      Date due = AddDays(date, dice_.Between(3, 14));
      std::string status = "open";
      if (due < today_) {
        int k = dice_.Below(100);
        status = k < 75 ? "done" : k < 95 ? "open" : "cancelled";
      }
      Fields fu{{"subject_type", std::string("service_log")},
                {"subject_id", saved->id},
                {"enterprise_id", e.id},
                {"due_date", FormatDate(due)},
                {"assignee", std::string(Staff(office))},
                {"office", office},
                {"note", std::string(chinese ? dice_.Pick(kNotesZh) : dice_.Pick(kNotesEn))},
                {"status", status}};
      if (status == "done") {
        Date done = AddDays(due, dice_.Between(-2, 3));
        if (done > today_) done = today_;
        if (done < date) done = date;
        fu.push_back({"done_on", FormatDate(done)});
      }
      DOSTI_TRY(Do(s_.AddFollowUp(fu), 1, "follow-up"));
    }
    return {};
  }

  Result<void> AddServices(const SeededEnterprise& e) {
    if (today_ < window_start_) return {};  // the programme has not started yet
    int count = ServiceCount(e.stage);
    for (int k = 0; k < count; ++k) {
      // The first seven logs cover the seven categories and the first twelve the twelve
      // months, so even a small seed shows every row and column of the reports.
      int category = services_ < 7 ? services_ : static_cast<int>(dice_.Weighted(kCategoryWeights));
      Date date = services_ < 12 ? DayInMonthBack(services_) : RandomServiceDate();
      ++services_;
      DOSTI_TRY(AddService(e, category, date, {}));
    }
    // Enterprises still to be decided on get a reminder to collect the selection documents.
    if (e.stage == "shortlisted" || e.stage == "nominated") {
      bool chinese = e.country == "CN";
      std::string office = chinese ? "beijing" : "islamabad";
      DOSTI_TRY(
          Do(s_.AddFollowUp({{"subject_type", std::string("enterprise")},
                             {"subject_id", e.id},
                             {"due_date", FormatDate(AddDays(today_, dice_.Between(-10, 14)))},
                             {"assignee", std::string(Staff(office))},
                             {"office", office},
                             {"note", std::string(chinese ? "收集入选评审材料"
                                                          : "Collect the selection documents")}}),
             1, "follow-up"));
    }
    return {};
  }

  Result<void> Participate(const SeededEnterprise& e, const std::string& event,
                           std::string_view role, std::string_view status) {
    if (!participations_.insert({event, e.id}).second) return {};  // already there
    Fields f{{"event_id", event},
             {"enterprise_id", e.id},
             {"role", std::string(role)},
             {"status", std::string(status)}};
    if (!e.contact_id.empty()) f.push_back({"contact_id", e.contact_id});
    auto r = Do(s_.AddParticipation(f), 1, "participation");
    if (!r) return r.error();
    return {};
  }

  Result<void> AddParticipations(const SeededEnterprise& e) {
    const bool cn = e.country == "CN";
    const bool in_window = fair_start_ >= window_start_ && fair_start_ <= today_;
    // Booth visitors were captured at CIFTIS; some programme enterprises exhibited there.
    if (e.source == "booth" || (CountsAsSelected(e.stage) && dice_.Chance(15))) {
      bool visitor = e.source == "booth";
      DOSTI_TRY(Participate(e, fair_id_, visitor ? "visitor" : "exhibitor", "attended"));
      if (visitor && in_window) {
        int category = dice_.Chance(50) ? 5 : 2;  // exchange or policy
        Date day = AddDays(fair_start_, dice_.Below(5));
        DOSTI_TRY(AddService(e, category, day,
                             {{"provider_office", std::string("beijing")},
                              {"delivery_mode", std::string("booth")},
                              {"event_id", fair_id_},
                              {"minutes", int64_t{30}}}));
      }
    }
    bool selected = CountsAsSelected(e.stage) && e.stage != "withdrawn";
    if (!cn && selected && dice_.Chance(30)) {
      bool attended = dice_.Chance(85);
      DOSTI_TRY(Participate(e, training_id_, "participant", attended ? "attended" : "no_show"));
      // A training attended fans out to one service log per attending enterprise.
      if (attended && training_date_ >= window_start_) {
        DOSTI_TRY(AddService(e, 0, training_date_,
                             {{"provider_office", std::string("islamabad")},
                              {"delivery_mode", std::string("event")},
                              {"event_id", training_id_},
                              {"minutes", int64_t{240}},
                              {"summary", std::string("Two-day market entry training: company "
                                                      "registration, visas and cross-border "
                                                      "payments in China")}}));
      }
    }
    if (cn && selected && dice_.Chance(30)) {
      bool attended = dice_.Chance(80);
      DOSTI_TRY(Participate(e, webinar_id_, "participant", attended ? "attended" : "no_show"));
      if (attended && webinar_date_ >= window_start_) {
        DOSTI_TRY(AddService(
            e, 2, webinar_date_,
            {{"provider_office", std::string("beijing")},
             {"delivery_mode", std::string("online")},
             {"event_id", webinar_id_},
             {"minutes", int64_t{90}},
             {"summary", std::string("参加网络研讨会：巴基斯坦特殊技术区投资政策解读")}}));
      }
    }
    return {};
  }

  Result<void> AddMatches(int n) {
    std::vector<const SeededEnterprise*> cn, pk;
    for (const SeededEnterprise& e : enterprises_) {
      if (!CountsAsSelected(e.stage) || e.stage == "withdrawn") continue;
      (e.country == "CN" ? cn : pk).push_back(&e);
    }
    if (cn.empty() || pk.empty()) {  // a tiny seed: pair whatever there is
      for (const SeededEnterprise& e : enterprises_) (e.country == "CN" ? cn : pk).push_back(&e);
    }
    const int pairs = std::clamp(n / 4, 1, kMaxMatches);
    std::vector<std::string> plan =
        Plan(dice_, pairs, kMatchPlan, std::size(kMatchPlan), "proposed", pairs >= 10);
    std::set<std::pair<std::string, std::string>> seen;
    for (const std::string& target : plan) {
      const SeededEnterprise* a = nullptr;
      const SeededEnterprise* b = nullptr;
      for (int attempt = 0; attempt < 20; ++attempt) {
        a = cn[static_cast<size_t>(dice_.Below(static_cast<int>(cn.size())))];
        b = pk[static_cast<size_t>(dice_.Below(static_cast<int>(pk.size())))];
        if (!seen.count({a->id, b->id})) break;
      }
      seen.insert({a->id, b->id});
      std::string_view type = kCooperationTypes[dice_.Weighted(kCooperationWeights)];
      auto match = Do(s_.AddMatch(a->id, b->id, type), 2, "matchmaking");
      if (!match) return match.error();
      // Walk the pipeline up to the planned stage; the exits leave from somewhere along it.
      int reach = 0;
      std::string exit_reason;
      if (target == "on_hold") {
        reach = dice_.Between(1, 4);
        exit_reason = "Waiting for the Pakistani partner's board approval";
      } else if (target == "closed_lost") {
        reach = dice_.Between(0, 4);
        exit_reason = dice_.Pick(kLostReasons);
      } else {
        reach = static_cast<int>(
            std::find(kMatchmakingStages.begin(), kMatchmakingStages.end(), target) -
            kMatchmakingStages.begin());
      }
      for (int k = 1; k <= reach; ++k) {
        DOSTI_TRY(Do(s_.SetMatchStage(match->id, kMatchmakingStages[static_cast<size_t>(k)]), 2,
                     "matchmaking stage"));
      }
      if (!exit_reason.empty()) {
        DOSTI_TRY(Do(s_.SetMatchStage(match->id, target, exit_reason), 2, "matchmaking stage"));
      }
      // Meetings are services (international exchange) to the Chinese side; open deals get
      // a follow-up.
      if (reach >= 3 && today_ >= window_start_) {
        DOSTI_TRY(AddService(
            *a, 5, RandomServiceDate(),
            {{"provider_office", std::string("beijing")},
             {"summary", "B2B meeting with " + b->name + " (" + std::string(type) + ")"}}));
      }
      if (reach >= 3 && reach <= 5 && exit_reason.empty()) {
        DOSTI_TRY(
            Do(s_.AddFollowUp({{"subject_type", std::string("matchmaking")},
                               {"subject_id", match->id},
                               {"enterprise_id", a->id},
                               {"due_date", FormatDate(AddDays(today_, dice_.Between(-7, 21)))},
                               {"assignee", std::string(Staff("beijing"))},
                               {"office", std::string("beijing")},
                               {"note", std::string("Share the draft MoU with both sides")}}),
               1, "follow-up"));
      }
      // Pairs that met took part in the B2B day.
      if (reach >= 3 && dice_.Chance(50)) {
        DOSTI_TRY(Participate(*a, b2b_id_, "participant", "attended"));
        DOSTI_TRY(Participate(*b, b2b_id_, "participant", "attended"));
      }
    }
    return {};
  }

  Session& s_;
  Dice dice_;
  Date today_;
  Date window_start_;
  int64_t written_ = 0;
  int services_ = 0;
  std::vector<SeededEnterprise> enterprises_;
  std::set<std::string> names_, domains_;
  std::set<std::pair<std::string, std::string>> participations_;  // (event, enterprise)
  std::string domain_, area_code_;                                // of the enterprise being written
  std::string fair_id_, training_id_, webinar_id_, b2b_id_;
  Date fair_start_, training_date_, webinar_date_, b2b_date_;
};

}  // namespace

Result<int64_t> SeedDemo(Session& session, int enterprises, uint64_t seed, const Progress& progress,
                         bool force) {
  Cancellation::Watch cancelled(session.cancellation());
  Session::Impl& m = session.impl();
  DOSTI_TRY(m.RequireInit());
  if (enterprises < 2 || enterprises > 100'000) {
    return MakeError(ErrorCode::kInvalid, "demo.enterprise_count",
                     {{"count", std::to_string(enterprises)}}, "enterprises");
  }
  if (!force) {
    // Every other demo record hangs on an enterprise or an event, archived or merged ones too.
    auto held =
        m.db->Prepare("SELECT (SELECT count(*) FROM enterprise) + (SELECT count(*) FROM event)");
    if (!held) return held.error();
    if (auto r = (*held)->Step(); !r) return r.error();
    const int64_t records = (*held)->Int(0);
    (*held)->Reset();
    if (records > 0) {
      return MakeError(ErrorCode::kInvalid, "demo.workspace_has_records",
                       {{"count", std::to_string(records)}});
    }
  }
  Seeder seeder(session, seed, m.Today(), m.programme_start);
  // One transaction: the demo is there whole or not at all (a cancel rolls everything back).
  DOSTI_TRY(session.Atomically([&] { return seeder.Run(enterprises, progress, cancelled); }));
  return seeder.written();
}

}  // namespace dosti
