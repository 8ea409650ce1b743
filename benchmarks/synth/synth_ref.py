"""Reference tables of the synthetic corpus: real jurisdictions and the department naming patterns of each level.

The generator's own tables, and the only source of its truth: nothing here reads ``policykg`` or its reference
data (``ontology/data``), so the truth cannot follow the resolver it is used to measure (issue 19: taking the
collectives and places from the resolver's data made the resolution agreement 1.000 by construction; it was
0.914 before). The names are real (31 provinces, their prefecture-level divisions, a few hundred counties); what
each printed form stands for is written here from how Chinese administration is organised.
"""
from __future__ import annotations


# Province -> its prefecture-level divisions (for the four municipalities: their districts, county level).
PROVINCES: dict[str, str] = {
    "北京市": "东城区 西城区 朝阳区 丰台区 石景山区 海淀区 门头沟区 房山区 通州区 顺义区 昌平区 大兴区 怀柔区 平谷区 密云区 延庆区",
    "天津市": "和平区 河东区 河西区 南开区 河北区 红桥区 东丽区 西青区 津南区 北辰区 武清区 宝坻区 滨海新区 宁河区 静海区 蓟州区",
    "河北省": "石家庄市 唐山市 秦皇岛市 邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市",
    "山西省": "太原市 大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市",
    "内蒙古自治区": "呼和浩特市 包头市 乌海市 赤峰市 通辽市 鄂尔多斯市 呼伦贝尔市 巴彦淖尔市 乌兰察布市 兴安盟 锡林郭勒盟 阿拉善盟",
    "辽宁省": "沈阳市 大连市 鞍山市 抚顺市 本溪市 丹东市 锦州市 营口市 阜新市 辽阳市 盘锦市 铁岭市 朝阳市 葫芦岛市",
    "吉林省": "长春市 吉林市 四平市 辽源市 通化市 白山市 松原市 白城市 延边朝鲜族自治州",
    "黑龙江省": "哈尔滨市 齐齐哈尔市 鸡西市 鹤岗市 双鸭山市 大庆市 伊春市 佳木斯市 七台河市 牡丹江市 黑河市 绥化市 大兴安岭地区",
    "上海市": "黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 浦东新区 金山区 松江区 青浦区 奉贤区 崇明区",
    "江苏省": "南京市 无锡市 徐州市 常州市 苏州市 南通市 连云港市 淮安市 盐城市 扬州市 镇江市 泰州市 宿迁市",
    "浙江省": "杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市",
    "安徽省": "合肥市 芜湖市 蚌埠市 淮南市 马鞍山市 淮北市 铜陵市 安庆市 黄山市 滁州市 阜阳市 宿州市 六安市 亳州市 池州市 宣城市",
    "福建省": "福州市 厦门市 莆田市 三明市 泉州市 漳州市 南平市 龙岩市 宁德市",
    "江西省": "南昌市 景德镇市 萍乡市 九江市 新余市 鹰潭市 赣州市 吉安市 宜春市 抚州市 上饶市",
    "山东省": "济南市 青岛市 淄博市 枣庄市 东营市 烟台市 潍坊市 济宁市 泰安市 威海市 日照市 临沂市 德州市 聊城市 滨州市 菏泽市",
    "河南省": "郑州市 开封市 洛阳市 平顶山市 安阳市 鹤壁市 新乡市 焦作市 濮阳市 许昌市 漯河市 三门峡市 南阳市 商丘市 信阳市 周口市 驻马店市",
    "湖北省": "武汉市 黄石市 十堰市 宜昌市 襄阳市 鄂州市 荆门市 孝感市 荆州市 黄冈市 咸宁市 随州市 恩施土家族苗族自治州",
    "湖南省": "长沙市 株洲市 湘潭市 衡阳市 邵阳市 岳阳市 常德市 张家界市 益阳市 郴州市 永州市 怀化市 娄底市 湘西土家族苗族自治州",
    "广东省": "广州市 韶关市 深圳市 珠海市 汕头市 佛山市 江门市 湛江市 茂名市 肇庆市 惠州市 梅州市 汕尾市 河源市 阳江市 清远市 东莞市 中山市 潮州市 揭阳市 云浮市",
    "广西壮族自治区": "南宁市 柳州市 桂林市 梧州市 北海市 防城港市 钦州市 贵港市 玉林市 百色市 贺州市 河池市 来宾市 崇左市",
    "海南省": "海口市 三亚市 三沙市 儋州市",
    "重庆市": "万州区 涪陵区 渝中区 大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 綦江区 大足区 渝北区 巴南区 黔江区 长寿区 江津区 合川区 永川区 南川区",
    "四川省": "成都市 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市 乐山市 南充市 眉山市 宜宾市 广安市 达州市 雅安市 巴中市 资阳市 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州",
    "贵州省": "贵阳市 六盘水市 遵义市 安顺市 毕节市 铜仁市 黔西南布依族苗族自治州 黔东南苗族侗族自治州 黔南布依族苗族自治州",
    "云南省": "昆明市 曲靖市 玉溪市 保山市 昭通市 丽江市 普洱市 临沧市 楚雄彝族自治州 红河哈尼族彝族自治州 文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 怒江傈僳族自治州 迪庆藏族自治州",
    "西藏自治区": "拉萨市 日喀则市 昌都市 林芝市 山南市 那曲市 阿里地区",
    "陕西省": "西安市 铜川市 宝鸡市 咸阳市 渭南市 延安市 汉中市 榆林市 安康市 商洛市",
    "甘肃省": "兰州市 嘉峪关市 金昌市 白银市 天水市 武威市 张掖市 平凉市 酒泉市 庆阳市 定西市 陇南市 临夏回族自治州 甘南藏族自治州",
    "青海省": "西宁市 海东市 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 玉树藏族自治州 海西蒙古族藏族自治州",
    "宁夏回族自治区": "银川市 石嘴山市 吴忠市 固原市 中卫市",
    "新疆维吾尔自治区": "乌鲁木齐市 克拉玛依市 吐鲁番市 哈密市 昌吉回族自治州 博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 阿克苏地区 克孜勒苏柯尔克孜自治州 喀什地区 和田地区 伊犁哈萨克自治州 塔城地区 阿勒泰地区",
}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# Some counties (县, county-level cities, districts, banners) of some prefecture-level cities.
COUNTIES: dict[str, str] = {
    "无锡市": "江阴市 宜兴市 梁溪区 锡山区 惠山区 滨湖区 新吴区",
    "苏州市": "常熟市 张家港市 昆山市 太仓市 吴江区 吴中区 相城区 姑苏区",
    "南京市": "江宁区 浦口区 六合区 溧水区 高淳区",
    "徐州市": "丰县 沛县 睢宁县 新沂市 邳州市 铜山区",
    "南通市": "海安市 如东县 启东市 如皋市 海门区",
    "盐城市": "响水县 滨海县 阜宁县 射阳县 建湖县 东台市",
    "杭州市": "桐庐县 淳安县 建德市 临安区 富阳区 萧山区 余杭区",
    "宁波市": "象山县 宁海县 余姚市 慈溪市 奉化区 鄞州区",
    "温州市": "永嘉县 平阳县 苍南县 文成县 泰顺县 瑞安市 乐清市",
    "金华市": "武义县 浦江县 磐安县 兰溪市 义乌市 东阳市 永康市",
    "合肥市": "长丰县 肥东县 肥西县 庐江县 巢湖市",
    "阜阳市": "临泉县 太和县 阜南县 颍上县 界首市",
    "福州市": "闽侯县 连江县 罗源县 闽清县 永泰县 福清市",
    "泉州市": "惠安县 安溪县 永春县 德化县 石狮市 晋江市 南安市",
    "南昌市": "南昌县 安义县 进贤县 新建区",
    "赣州市": "信丰县 大余县 上犹县 崇义县 安远县 龙南市 定南县 全南县 宁都县 于都县 兴国县 会昌县 寻乌县 石城县 瑞金市",
    "上饶市": "玉山县 铅山县 横峰县 弋阳县 余干县 鄱阳县 万年县 婺源县 德兴市",
    "济南市": "平阴县 商河县 章丘区 莱芜区",
    "青岛市": "胶州市 平度市 莱西市 即墨区 黄岛区",
    "潍坊市": "临朐县 昌乐县 青州市 诸城市 寿光市 安丘市 高密市 昌邑市",
    "临沂市": "沂南县 郯城县 沂水县 兰陵县 费县 平邑县 莒南县 蒙阴县 临沭县",
    "郑州市": "中牟县 巩义市 荥阳市 新密市 新郑市 登封市",
    "洛阳市": "新安县 栾川县 嵩县 汝阳县 宜阳县 洛宁县 伊川县 偃师区 孟津区",
    "南阳市": "南召县 方城县 西峡县 镇平县 内乡县 淅川县 社旗县 唐河县 新野县 桐柏县 邓州市",
    "武汉市": "江夏区 黄陂区 新洲区 蔡甸区",
    "宜昌市": "远安县 兴山县 秭归县 长阳土家族自治县 宜都市 当阳市 枝江市",
    "长沙市": "长沙县 浏阳市 宁乡市 望城区",
    "衡阳市": "衡阳县 衡南县 衡山县 衡东县 祁东县 耒阳市 常宁市",
    "广州市": "从化区 增城区 番禺区 花都区 南沙区",
    "佛山市": "南海区 顺德区 三水区 高明区",
    "湛江市": "遂溪县 徐闻县 廉江市 雷州市 吴川市",
    "南宁市": "武鸣区 隆安县 马山县 上林县 宾阳县 横州市",
    "桂林市": "阳朔县 灵川县 全州县 兴安县 永福县 灌阳县 龙胜各族自治县 荔浦市",
    "成都市": "金堂县 大邑县 蒲江县 新津区 都江堰市 彭州市 邛崃市 崇州市 简阳市",
    "绵阳市": "三台县 盐亭县 梓潼县 北川羌族自治县 平武县 江油市",
    "贵阳市": "开阳县 息烽县 修文县 清镇市",
    "遵义市": "桐梓县 绥阳县 正安县 凤冈县 湄潭县 余庆县 习水县 赤水市 仁怀市",
    "昆明市": "富民县 宜良县 石林彝族自治县 嵩明县 禄劝彝族苗族自治县 寻甸回族彝族自治县 安宁市",
    "曲靖市": "陆良县 师宗县 罗平县 富源县 会泽县 宣威市",
    "西安市": "蓝田县 周至县 鄠邑区 长安区 临潼区",
    "榆林市": "府谷县 靖边县 定边县 绥德县 米脂县 佳县 神木市",
    "兰州市": "永登县 皋兰县 榆中县",
    "石家庄市": "井陉县 正定县 行唐县 灵寿县 高邑县 深泽县 赞皇县 无极县 平山县 元氏县 赵县 辛集市 晋州市 新乐市",
    "保定市": "涞水县 阜平县 定兴县 唐县 高阳县 容城县 涞源县 望都县 安新县 易县 曲阳县 蠡县 顺平县 博野县 雄县 涿州市 定州市 安国市 高碑店市",
    "太原市": "清徐县 阳曲县 娄烦县 古交市",
    "运城市": "临猗县 万荣县 闻喜县 稷山县 新绛县 绛县 垣曲县 夏县 平陆县 芮城县 永济市 河津市",
    "呼和浩特市": "土默特左旗 托克托县 和林格尔县 清水河县 武川县",
    "包头市": "土默特右旗 固阳县 达尔罕茂明安联合旗",
    "沈阳市": "康平县 法库县 新民市 辽中区",
    "大连市": "长海县 瓦房店市 庄河市 普兰店区",
    "锦州市": "黑山县 义县 凌海市 北镇市",
    "长春市": "农安县 榆树市 德惠市 公主岭市 九台区",
    "哈尔滨市": "依兰县 方正县 宾县 巴彦县 木兰县 通河县 延寿县 尚志市 五常市",
    "齐齐哈尔市": "龙江县 依安县 泰来县 甘南县 富裕县 克山县 克东县 拜泉县 讷河市",
    "拉萨市": "林周县 当雄县 尼木县 曲水县 墨竹工卡县",
    "西宁市": "大通回族土族自治县 湟中区 湟源县",
    "银川市": "永宁县 贺兰县 灵武市",
    "喀什地区": "疏附县 疏勒县 英吉沙县 泽普县 莎车县 叶城县 麦盖提县 岳普湖县 伽师县 巴楚县",
}


def province_names() -> list[str]:
    return list(PROVINCES)


def cities_of(province: str) -> list[str]:
    if province in MUNICIPALITIES:
        return []
    return PROVINCES[province].split()


def counties_of(place: str) -> list[str]:
    """Counties of a prefecture-level city, or the districts of a municipality."""
    if place in MUNICIPALITIES:
        return PROVINCES[place].split()
    return COUNTIES.get(place, "").split()


def prefix(place: str, level: str) -> str:
    """The one-word form local documents use for their own jurisdiction: 省 / 自治区 / 市 / 州 / 县 / 区 / 旗."""
    if level == "provincial":
        if place in MUNICIPALITIES:
            return "市"
        return "自治区" if place.endswith("自治区") else "省"
    for suffix, short in (("自治州", "州"), ("地区", "地区"), ("盟", "盟"), ("自治县", "县"), ("旗", "旗"),
                          ("县", "县"), ("区", "区"), ("市", "市")):
        if place.endswith(suffix):
            return short
    return "市"


def party_prefix(place: str, level: str) -> str:
    """Prefix of party bodies: 省委 / 自治区党委 / 市委 / 州委 / 县委 / 区委 / 旗委."""
    p = prefix(place, level)
    return "自治区党委" if p == "自治区" else ("地委" if p == "地区" else p + "委")


# Department functions, with the printed forms per level and the canonical name suffix.
# Each entry: code -> (kind, national (printed, canonical), provincial, municipal, county), where a local
# entry is (printed forms, canonical suffix); printed forms take the level prefix (省/市/县...) unless
# they start with "=" (printed without prefix) or "@" (party body: party prefix).
FUNCTIONS: dict[str, tuple] = {
    "education": ("government", ("教育部", "教育部"), (["教育厅"], "教育厅"), (["教育局"], "教育局"), (["教育局"], "教育局")),
    "hrss": ("government", ("人力资源社会保障部", "人力资源和社会保障部"),
             (["人力资源社会保障厅"], "人力资源和社会保障厅"),
             (["人社局", "人力资源社会保障局"], "人力资源和社会保障局"), (["人社局"], "人力资源和社会保障局")),
    "development-reform": ("government", ("国家发展改革委", "国家发展和改革委员会"),
                           (["发展改革委"], "发展和改革委员会"), (["发改委", "发展改革委"], "发展和改革委员会"),
                           (["发改局", "发展改革局"], "发展和改革局")),
    "finance": ("government", ("财政部", "财政部"), (["财政厅"], "财政厅"), (["财政局"], "财政局"), (["财政局"], "财政局")),
    "industry-it": ("government", ("工业和信息化部", "工业和信息化部"), (["工业和信息化厅"], "工业和信息化厅"),
                    (["工信局", "工业和信息化局"], "工业和信息化局"), (["工信局"], "工业和信息化局")),
    "science-technology": ("government", ("科技部", "科学技术部"), (["科技厅"], "科学技术厅"), (["科技局"], "科学技术局"),
                           (["科技局"], "科学技术局")),
    "agriculture-rural": ("government", ("农业农村部", "农业农村部"), (["农业农村厅"], "农业农村厅"),
                          (["农业农村局"], "农业农村局"), (["农业农村局"], "农业农村局")),
    "natural-resources": ("government", ("自然资源部", "自然资源部"), (["自然资源厅"], "自然资源厅"),
                          (["自然资源和规划局", "自然资源局"], "自然资源和规划局"), (["自然资源局"], "自然资源局")),
    "commerce": ("government", ("商务部", "商务部"), (["商务厅"], "商务厅"), (["商务局"], "商务局"), (["商务局"], "商务局")),
    "state-assets": ("government", ("国务院国资委", "国务院国有资产监督管理委员会"), (["国资委"], "人民政府国有资产监督管理委员会"),
                     (["国资委"], "人民政府国有资产监督管理委员会"), None),
    "taxation": ("government", ("税务总局", "国家税务总局"), (["税务局"], "税务局"), (["税务局"], "税务局"), (["税务局"], "税务局")),
    "market-regulation": ("government", ("市场监管总局", "国家市场监督管理总局"), (["市场监管局"], "市场监督管理局"),
                          (["市场监管局"], "市场监督管理局"), (["市场监管局"], "市场监督管理局")),
    "veterans": ("government", ("退役军人部", "退役军人事务部"), (["退役军人厅"], "退役军人事务厅"),
                 (["退役军人局"], "退役军人事务局"), (["退役军人局"], "退役军人事务局")),
    "poverty-alleviation": ("government", ("国家乡村振兴局", "国家乡村振兴局"), (["乡村振兴局"], "乡村振兴局"),
                            (["乡村振兴局"], "乡村振兴局"), (["乡村振兴局"], "乡村振兴局")),
    "foreign-affairs": ("government", ("外交部", "外交部"), (["外办", "政府外办"], "人民政府外事办公室"),
                        (["外办"], "人民政府外事办公室"), None),
    "culture-tourism": ("government", ("文化和旅游部", "文化和旅游部"), (["文化和旅游厅"], "文化和旅游厅"),
                        (["文旅局", "文化广电旅游局"], "文化广电旅游局"), (["文旅局"], "文化广电旅游局")),
    "sports": ("government", ("体育总局", "国家体育总局"), (["体育局"], "体育局"), (["体育局"], "体育局"), (["体育局"], "体育局")),
    "government-services": ("government", None, (["政务服务办"], "政务服务管理办公室"), (["政务服务办"], "政务服务管理办公室"), None),
    "organization": ("party", ("中央组织部", "中共中央组织部"), (["@组织部"], "组织部"), (["@组织部"], "组织部"),
                     (["@组织部"], "组织部")),
    "publicity": ("party", ("中央宣传部", "中共中央宣传部"), (["@宣传部"], "宣传部"), (["@宣传部", "=宣传部"], "宣传部"),
                  (["@宣传部"], "宣传部")),
    "establishment": ("party", ("中央编办", "中央机构编制委员会办公室"), (["@编办"], "机构编制委员会办公室"),
                      (["@编办"], "机构编制委员会办公室"), (["@编办"], "机构编制委员会办公室")),
    "education-committee": ("party", None, (["@教育工委"], "教育工作委员会"), (["@教育工委"], "教育工作委员会"), None),
    "trade-union": ("mass-organisation", ("全国总工会", "中华全国总工会"), (["总工会"], "总工会"), (["总工会"], "总工会"),
                    (["总工会"], "总工会")),
    "youth-league": ("mass-organisation", ("共青团中央", "共青团中央委员会"), (["=团{p}委"], "共青团委员会"),
                     (["=团{p}委"], "共青团委员会"), (["=团{p}委"], "共青团委员会")),
    "women-federation": ("mass-organisation", ("全国妇联", "中华全国妇女联合会"), (["妇联"], "妇女联合会"),
                         (["妇联"], "妇女联合会"), (["妇联"], "妇女联合会")),
    "federation-industry-commerce": ("mass-organisation", ("全国工商联", "中华全国工商业联合会"), (["工商联"], "工商业联合会"),
                                     (["工商联"], "工商业联合会"), None),
    "vocational-education-society": ("mass-organisation", ("中华职教社", "中华职业教育社"), (["=中华职教社"], "中华职业教育社"),
                                     None, None),
}
# 教育工委 is an education body (the function code of the resolver's scheme), though printed as a party body.
FUNCTION_CODE = {"education-committee": "education"}

LEVEL_INDEX = {"national": 1, "provincial": 2, "municipal": 3, "county": 4}

# Collective mentions per level, as printed.
COLLECTIVES: dict[str, tuple[str, ...]] = {
    "national": ("各地有关部门", "相关省份有关部门", "有关行业部门", "有关行业主管部门", "相关省级人民政府",
                 "相关地级市人民政府"),
    "provincial": ("各市人民政府", "各市", "各市、县(市、区)人民政府", "各县(市、区)人民政府", "有关行业主管部门",
                   "相关行业主管部门", "各行业主管部门", "相关高职院校主管部门"),
    "municipal": ("各县(市、区)人民政府", "各职业院校", "有关行业主管部门"),
    "county": ("各乡镇人民政府", "各职业学校", "有关行业主管部门"),
}
MUNICIPALITY_COLLECTIVES = ("各区人民政府", "有关行业主管部门")
LEVEL_ORDER = ("national", "provincial", "municipal", "county")

# What a collective stands for, by the project's convention (tests/fixtures/resolution/expected.yaml): the level
# of its MEMBERS, the document's jurisdiction (its scope) and the members' function. Written from what the words
# mean: "same" = the document's own level, "below" = one level under it (the cities of a province, the counties
# of a city; a county's 乡镇 have no level of their own in the scheme and count as county). The members of
# 各市、县(市、区) are cities and counties: its level is the upper one, municipal. 各地 in a national list are the
# local governments' departments, provinces first. Schools' collectives are institutions.
COLLECTIVE_TRUTH: dict[str, tuple[str, str, str | None]] = {
    # printed: (canonical name, members' level, function)
    "各地有关部门": ("各地有关部门", "below", "relevant-departments"),
    "相关省份有关部门": ("相关省份有关部门", "provincial", "relevant-departments"),
    "有关行业部门": ("有关行业部门", "same", "industry-regulators"),
    "有关行业主管部门": ("有关行业主管部门", "same", "industry-regulators"),
    "相关行业主管部门": ("相关行业主管部门", "same", "industry-regulators"),
    "各行业主管部门": ("各行业主管部门", "same", "industry-regulators"),
    "相关高职院校主管部门": ("相关高职院校主管部门", "same", "education"),
    "相关省级人民政府": ("相关省级人民政府", "provincial", "government"),
    "相关地级市人民政府": ("相关地级市人民政府", "municipal", "government"),
    "各市人民政府": ("各市人民政府", "municipal", "government"),
    "各市": ("各市人民政府", "municipal", "government"),
    "各市、县(市、区)人民政府": ("各市、县（市、区）人民政府", "municipal", "government"),
    "各县(市、区)人民政府": ("各县（市、区）人民政府", "county", "government"),
    "各区人民政府": ("各区人民政府", "county", "government"),
    "各乡镇人民政府": ("各乡镇人民政府", "county", "government"),
    "各职业院校": ("各职业院校", "institution", "institution"),
    "各职业学校": ("各职业学校", "institution", "institution"),
    "各相关处室": ("各相关处室", "same", "host"),      # the issuing department's own offices: its function
}


def collective_truth(printed: str, level: str, place: str, host: tuple[str, str] | None = None) -> dict:
    """What a collective mention stands for (COLLECTIVE_TRUTH): its members' level, the document's jurisdiction
    as scope, the members' function ("host": that of the issuing department ``host`` = (name, function)).
    Raises on a phrase the table lacks."""
    if printed not in COLLECTIVE_TRUTH:
        raise ValueError(f"collective {printed!r}: not in synth_ref.COLLECTIVE_TRUTH")
    canonical, member_level, function = COLLECTIVE_TRUTH[printed]
    if member_level == "same":
        member_level = level
    elif member_level == "below":
        member_level = LEVEL_ORDER[min(LEVEL_ORDER.index(level) + 1, len(LEVEL_ORDER) - 1)]
    scope = place
    if function == "host":
        canonical, function, scope = (host[0] + canonical, host[1], host[0]) if host else (canonical, None, place)
    return {"name": canonical, "level": member_level, "jurisdiction": place, "function": function, "scope": scope}


# Internal divisions (处室) of a provincial education department, for lists it issues to its own offices.
EDU_DIVISIONS = ("职教处 高教处 师资处 学生处 体卫艺处 社政处 发展规划处 财务处 基教处 科技处 国际处 人事处 "
                 "考试院 督导室 评估院 科技发展中心 招就中心").split()
EDU_DIVISIONS_COLLECTIVE = "各相关处室"

# Internal units of a school (责任单位 of the school columns).
SCHOOL_UNITS = ("教务处 人事处 招生就业处 学生处 科研处 财务处 后勤处 思政部 团委 对外交流中心 继续教育学院 "
                "信息中心 实训中心 党委宣传部 质量管理办公室").split()

# School name parts: a place, a trade and a type.
SCHOOL_TRADES = "工业 交通 机电 信息 财经 商贸 建筑 卫生 农业 旅游 电子 化工 铁道 轻工 科技 幼儿师范".split()
HIGHER_SCHOOL_TYPES = ("职业技术学院", "职业学院", "技师学院", "师范高等专科学校")
SECONDARY_SCHOOL_TYPES = ("中等专业学校", "职业教育中心", "职业中等专业学校", "高级技工学校", "卫生学校")
